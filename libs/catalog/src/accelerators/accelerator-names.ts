import { nearestWord } from '@skyport/contracts';
import { ACCELERATOR_TABLE, type AcceleratorInfo } from './accelerator-table';

/** Canonical accelerator names, in table order (`T4`, `A100`, `A100-80GB`, ...). */
export const CANONICAL_ACCELERATORS: readonly string[] = ACCELERATOR_TABLE.map((a) => a.name);

// Words in vendor label values that say nothing about which part it is (form factor, memory type, vendor).
const NOISE_TOKENS = new Set([
  'nvidia', 'tesla', 'amd', 'instinct', 'geforce', 'rtx', 'sxm', 'sxm2', 'sxm4', 'sxm5', 'pcie', 'nvlink',
  'hbm2', 'hbm2e', 'hbm3', 'hbm3e', 'shared', 'oam',
]);

function normalise(raw: string): string {
  return raw.trim().toLowerCase().replace(/[\s_]+/g, '-');
}

const byKey = new Map<string, AcceleratorInfo>();
const byFamily = new Map<string, AcceleratorInfo[]>();
for (const info of ACCELERATOR_TABLE) {
  byKey.set(normalise(info.name), info);
  for (const alias of info.aliases) byKey.set(normalise(alias), info);
  const list = byFamily.get(info.family) ?? [];
  list.push(info);
  byFamily.set(info.family, list);
}
// Families that are two tokens once split on '-' (`h100-mega`).
const compoundFamilies = [...byFamily.keys()].filter((f) => f.includes('-'));

function resolveByTokens(key: string): AcceleratorInfo | undefined {
  // MIG slices and fractional profiles are not whole devices of the family.
  if (/(^|-)mig(-|$)/.test(key)) return undefined;
  let rest = key;
  for (const family of compoundFamilies) rest = rest.replace(family, family.replace('-', '~'));
  const tokens = rest.split('-').filter((t) => t && !NOISE_TOKENS.has(t));
  let family: string | undefined;
  let memoryGb: number | undefined;
  for (const token of tokens) {
    const mem = /^(\d+)gb$/.exec(token);
    if (mem) {
      if (memoryGb !== undefined) return undefined;
      memoryGb = Number(mem[1]);
      continue;
    }
    const fam = token.replace('~', '-');
    if (family !== undefined || !byFamily.has(fam)) return undefined;
    family = fam;
  }
  if (family === undefined) return undefined;
  const parts = byFamily.get(family) ?? [];
  if (memoryGb === undefined) return parts.find((p) => p.familyDefault) ?? parts[0];
  return parts.find((p) => p.memoryGb === memoryGb) ?? (parts.length === 1 ? parts[0] : undefined);
}

/**
 * The canonical name of an accelerator spelled any way a user, a cloud or a node label spells it: `a100-80gb`,
 * GKE's `nvidia-tesla-t4`, GPU feature discovery's `NVIDIA-A100-SXM4-80GB`, Karpenter's `a100`. Undefined when
 * the value names no known accelerator (or names a MIG slice).
 */
export function canonicalAccelerator(raw: string | undefined | null): string | undefined {
  if (!raw) return undefined;
  // Planning resolves the same few label values for thousands of nodes: remember answers by the raw value.
  const known = byRaw.get(raw);
  if (known !== undefined) return known ?? undefined;
  const key = normalise(raw);
  const info = key ? (byKey.get(key) ?? resolveByTokens(key)) : undefined;
  if (byRaw.size < RAW_CACHE_LIMIT) byRaw.set(raw, info?.name ?? null);
  return info?.name;
}

const RAW_CACHE_LIMIT = 10_000;
const byRaw = new Map<string, string | null>();

/** Table row of a canonical (or resolvable) name. */
export function acceleratorInfo(raw: string): AcceleratorInfo | undefined {
  const name = canonicalAccelerator(raw);
  return name === undefined ? undefined : byKey.get(normalise(name));
}

/**
 * The canonical name nearest to a value the resolver did not recognise, for "did you mean 'A100-80GB'?".
 * Undefined when nothing is close enough to be a plausible typo.
 */
export function suggestAccelerator(raw: string, candidates: readonly string[] = CANONICAL_ACCELERATORS): string | undefined {
  const key = raw.trim();
  if (!key) return undefined;
  // Names are compared whole: a prefix (`A100` of `A100-80GB`) is a name of its own, not a slip.
  return nearestWord(key, candidates, { ignoreCase: true, prefixes: false });
}
