import { nearestWord } from '@skyport/contracts';
import type { AcceleratorNames } from '../accelerators/accelerator-names';
import type { AcceleratorRequest } from '../types/task-spec.types';
import { ResourceSyntaxError } from './resource-syntax-error';

export interface AcceleratorChoices {
  /** Empty when no accelerator is asked for. */
  choices: AcceleratorRequest[];
  /** A list is an ordered preference; a mapping with several entries (or a set) lets the optimizer pick. */
  order: 'any' | 'ordered';
}

const NAME_COUNT = /^([A-Za-z0-9][A-Za-z0-9_.-]*)(?::(\d+(?:\.\d+)?))?$/;

/**
 * `accelerators` (alias `gpus`): `A100`, `A100:8`, `T4:0.5`, `{A100: 8}`, a set `{A100:8, H100:8}` (YAML
 * reads `{A100:8}` as a key with no value) or a list `[A100:8, H100:8]`. Names resolve to canonical ones
 * through the accelerator table, with a suggestion for a near miss.
 */
export function parseAccelerators(value: unknown, names: AcceleratorNames): AcceleratorChoices {
  if (value === null || value === undefined) return { choices: [], order: 'any' };
  if (typeof value === 'string') {
    // SkyPilot strips around the ':' ('A100 : 1'); an empty string asks for no accelerator.
    const text = value.trim().replace(/\s*:\s*/, ':');
    if (!text) return { choices: [], order: 'any' };
    if (text.startsWith('{') || text.startsWith('[')) {
      throw new ResourceSyntaxError(`'${text}' is quoted: write the set or list without quotes, e.g. {A100:8, H100:8}`);
    }
    return { choices: [parseOne(text, undefined, names)], order: 'any' };
  }
  if (Array.isArray(value)) {
    if (value.length === 0) throw new ResourceSyntaxError("the accelerator list [] is empty: expected at least one accelerator, e.g. ['H100:8', 'A100:8']");
    const choices = value.flatMap((item) => parseAccelerators(item, names).choices);
    return { choices: dedupe(choices), order: 'ordered' };
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0) throw new ResourceSyntaxError('the accelerator mapping {} is empty: expected at least one accelerator, e.g. {A100: 8}');
    const choices = entries.map(([key, count]) => parseOne(key.trim().replace(/\s*:\s*/, ':'), count, names));
    return { choices: dedupe(choices), order: 'any' };
  }
  throw new ResourceSyntaxError(`${String(value)} is not an accelerator: use a name such as 'A100:8'`);
}

function parseOne(text: string, countValue: unknown, names: AcceleratorNames): AcceleratorRequest {
  const match = NAME_COUNT.exec(text);
  if (!match) throw new ResourceSyntaxError(`'${text}' is not an accelerator: use '<name>' or '<name>:<count>', e.g. 'A100:8'`);
  const [, rawName, inlineCount] = match;
  if (inlineCount !== undefined && countValue !== null && countValue !== undefined) {
    throw new ResourceSyntaxError(`'${text}' gives the count twice: write '${rawName}: ${String(countValue)}' or '${text}'`);
  }
  const count = inlineCount !== undefined ? Number(inlineCount) : countValue === null || countValue === undefined ? 1 : Number(countValue);
  if (!Number.isFinite(count) || count <= 0) {
    throw new ResourceSyntaxError(`the count of '${rawName}' must be a number greater than 0, got '${String(countValue ?? inlineCount)}'`);
  }
  if (count > 1 && !Number.isInteger(count)) {
    throw new ResourceSyntaxError(`the count of '${rawName}' must be a whole number above 1 (fractions such as 0.5 share one GPU), got ${count}`);
  }
  return { name: resolveAcceleratorName(rawName, names), count };
}

/**
 * The canonical name. An unknown name one slip away from a known one is an error naming the nearest
 * ("unknown accelerator 'A100-80G'; did you mean 'A100-80GB'?"). Short bare product codes (`B100`, `MI300`)
 * are exempt: among them one character is often another real part (T4/L4, A10/A100, H100/H200), so a
 * suggestion would be a guess. Those, and names far from every known one (TPUs, Inferentia), are kept as
 * written; the optimizer then reports that nothing offers them, as SkyPilot does for an unavailable accelerator.
 */
export function resolveAcceleratorName(name: string, names: AcceleratorNames): string {
  const canonical = names.canonical(name);
  if (canonical) return canonical;
  const shortProductCode = /^[A-Za-z]{1,3}\d{1,4}[A-Za-z]?$/.test(name);
  const guess = shortProductCode ? undefined : nearestWord(name, names.names(), { ignoreCase: true });
  if (guess) throw new ResourceSyntaxError(`unknown accelerator '${name}'; did you mean '${guess}'?`);
  return name;
}

function dedupe(choices: AcceleratorRequest[]): AcceleratorRequest[] {
  const seen = new Set<string>();
  return choices.filter((c) => {
    const key = `${c.name}:${c.count}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function formatAccelerator(acc: AcceleratorRequest | undefined): string {
  if (!acc) return '-';
  return `${acc.name}:${acc.count}`;
}
