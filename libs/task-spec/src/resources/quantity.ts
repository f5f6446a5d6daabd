import type { QuantityRequest } from '../types/task-spec.types';
import { ResourceSyntaxError } from './resource-syntax-error';

// SkyPilot strips the text and reads `2 +` as `2+`.
const CPUS = /^(\d+(?:\.\d+)?)\s*(\+)?$/;
// SkyPilot's units (sky/skylet/constants.py MEMORY_SIZE_UNITS): two letters, any case; no 'G', 'GiB' or bytes.
const SIZE = /^(\d+(?:\.\d+)?)\s*(kb|ki|mb|mi|gb|gi|tb|ti|pb|pi)?\s*(\+)?$/i;
// SkyPilot's memory multiplier: `4x` is four times the vCPUs in GB (SkyPilot has no `4x+`).
const MULTIPLIER = /^(\d+(?:\.\d+)?)\s*x$/i;
const GB_PER_UNIT: Record<string, number> = { kb: 1 / 1024 ** 2, ki: 1 / 1024 ** 2, mb: 1 / 1024, mi: 1 / 1024, gb: 1, gi: 1, tb: 1024, ti: 1024, pb: 1024 ** 2, pi: 1024 ** 2 };

/** `cpus`: `4`, `'4'`, `'4+'`, `0.5`. */
export function parseCpus(value: number | string): QuantityRequest {
  const text = String(value).trim();
  const match = CPUS.exec(text);
  if (!match) throw new ResourceSyntaxError(`'${text}' is not a CPU count: use a number such as 4, or '4+' for at least 4`);
  const count = Number(match[1]);
  if (count <= 0) throw new ResourceSyntaxError(`the CPU count must be greater than 0, got '${text}'`);
  return { value: count, orMore: match[2] === '+' };
}

/**
 * `memory` in GB: `16`, `'16+'`, `'32GB+'`, `'1TB'`, or SkyPilot's multiplier of the vCPU count: `'4x'` is 4 GB per
 * vCPU (`cpus` is the vCPU count it multiplies; without one, SkyPilot's default of 2 vCPUs).
 */
export function parseMemory(value: number | string, cpus?: QuantityRequest): QuantityRequest {
  const text = String(value).trim();
  const times = MULTIPLIER.exec(text);
  if (times) {
    const factor = Number(times[1]);
    if (factor <= 0) throw new ResourceSyntaxError(`memory '${text}' must be a multiplier greater than 0 (e.g. '4x' = 4 GB per vCPU)`);
    return { value: factor * (cpus?.value ?? 2), orMore: cpus?.orMore ?? false };
  }
  return parseSize(value, 'memory');
}

/** `disk_size` in GB: `256`, `'1TB'`; no `+` form. */
export function parseDiskSize(value: number | string): number {
  const parsed = parseSize(value, 'disk size');
  if (parsed.orMore) throw new ResourceSyntaxError(`a disk size is exact: drop the '+' from '${String(value)}'`);
  // SkyPilot sizes disks in whole GB and refuses a size that is not one ('1500MB', '100KB').
  if (!Number.isInteger(parsed.value)) {
    throw new ResourceSyntaxError(`disk size '${String(value)}' is ${formatNumber(parsed.value)} GB: expected a whole number of GB (e.g. ${Math.max(1, Math.ceil(parsed.value))} or '${Math.max(1, Math.ceil(parsed.value))}GB')`);
  }
  return parsed.value;
}

function parseSize(value: number | string, what: string): QuantityRequest {
  const text = String(value).trim();
  const match = SIZE.exec(text);
  if (!match) {
    throw new ResourceSyntaxError(`'${text}' is not a ${what}: use a number of GB such as 16, '16+' for at least 16, a unit like '32GB' or '1TB'${what === 'memory' ? ", or '4x' (GB per vCPU)" : ''}`);
  }
  const amount = Number(match[1]) * (match[2] ? GB_PER_UNIT[match[2].toLowerCase()] : 1);
  if (amount <= 0) throw new ResourceSyntaxError(`the ${what} must be greater than 0, got '${text}'`);
  return { value: amount, orMore: match[3] === '+' };
}

/** `4` / `4+`, the form SkyPilot prints. */
export function formatQuantity(q: QuantityRequest): string {
  return `${formatNumber(q.value)}${q.orMore ? '+' : ''}`;
}

/** Whole numbers bare, others with at most two decimals (`0.5`, `1.25`). */
export function formatNumber(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Math.round(n * 100) / 100);
}
