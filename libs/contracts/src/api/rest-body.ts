import type { z } from 'zod';
import { ErrorCode, SkyportError } from '../errors/error-codes';

/**
 * Reads a REST body with its contract schema (compiled once, where it is declared), or throws the INVALID_REQUEST
 * a person can act on. Each field of a body schema carries its own message (`{ error: ... }`), in which `{field}`
 * becomes the field's dotted path (`envs.HOME`) and `{value}` the value sent (shortened) — a message names the
 * value only where it may be echoed (never a secret's). A body with unknown fields is answered with those fields
 * first (`details.fields`), before any other problem, as the hand-written readers did.
 */
export function readRestBody<S extends z.ZodType>(schema: S, raw: unknown): z.output<S> {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  // Parsed again for the messages: a parse given its own error map runs without zod's compiled fast path, and a
  // refused body is the rare case.
  const issues = schema.safeParse(raw, FALLBACK).error?.issues ?? parsed.error.issues;
  const unknownKeys = issues.find((i) => i.code === 'unrecognized_keys' && i.path.length === 0);
  if (unknownKeys && unknownKeys.code === 'unrecognized_keys') {
    return fail(unknownKeys.message, raw, unknownKeys.path, { fields: unknownKeys.keys });
  }
  const first = issues[0];
  return fail(first.message, raw, first.path);
}

/** For a field whose schema says nothing of its own: still the field, the value and what was expected. */
const FALLBACK: z.core.ParseContext<z.core.$ZodIssue> = { error: (issue) => `"{field}" must be ${expected(issue)}, not {value}` };

function expected(issue: z.core.$ZodRawIssue): string {
  const unit = (origin: string) => (origin === 'string' ? ' characters' : origin === 'array' || origin === 'set' ? ' items' : '');
  switch (issue.code) {
    case 'invalid_type':
      return String(issue.expected);
    case 'too_small':
      return `${issue.inclusive === false ? 'more than' : 'at least'} ${String(issue.minimum)}${unit(issue.origin)}`;
    case 'too_big':
      return `${issue.inclusive === false ? 'less than' : 'at most'} ${String(issue.maximum)}${unit(issue.origin)}`;
    case 'invalid_value':
      return `one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'invalid_format':
      return `a valid ${issue.format}`;
    case 'not_multiple_of':
      return `a multiple of ${String(issue.divisor)}`;
    default:
      return 'valid';
  }
}

function fail(message: string, raw: unknown, path: PropertyKey[], details?: Record<string, unknown>): never {
  const text = message.replace('{field}', path.map(String).join('.')).replace('{value}', () => preview(valueAt(raw, path)));
  throw new SkyportError(ErrorCode.InvalidRequest, text, details);
}

function valueAt(raw: unknown, path: PropertyKey[]): unknown {
  let value = raw;
  for (const key of path) value = value !== null && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[key] : undefined;
  return value;
}

const PREVIEW_CHARS = 40;

function preview(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > PREVIEW_CHARS ? `${text.slice(0, PREVIEW_CHARS - 1)}…` : text;
}
