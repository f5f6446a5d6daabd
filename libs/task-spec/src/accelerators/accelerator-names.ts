import { closest, distance } from 'fastest-levenshtein';

/**
 * The seam to the accelerator name table (canonical names and aliases) that libs/catalog owns. task-spec keeps
 * no table of its own: it asks this interface, and the catalog's implementation is installed by default once
 * that library exports one (see `defaultAcceleratorNames`).
 */
export interface AcceleratorNames {
  /** The canonical name for a name or alias (case-insensitive), or undefined when unknown. */
  canonical(name: string): string | undefined;
  /** Every canonical name, for "did you mean" suggestions. */
  names(): readonly string[];
}

/** Accepts every name as written: used only when no table is available. */
export const PERMISSIVE_ACCELERATOR_NAMES: AcceleratorNames = {
  canonical: (name) => name,
  names: () => [],
};

/** The nearest candidate when it is close enough to be a plausible typo, else undefined. */
export function nearest(word: string, candidates: readonly string[]): string | undefined {
  if (candidates.length === 0) return undefined;
  const lowered = candidates.map((c) => c.toLowerCase());
  const w = word.toLowerCase();
  // A truncated key (`idle` for `idle_minutes`) is a plausible slip even when the edit distance is large.
  const prefixed = w.length >= 3 ? lowered.findIndex((c) => c.startsWith(w)) : -1;
  if (prefixed >= 0) return candidates[prefixed];
  const best = closest(word.toLowerCase(), lowered);
  const d = distance(word.toLowerCase(), best);
  const limit = Math.max(2, Math.floor(word.length / 3));
  if (d > limit) return undefined;
  return candidates[lowered.indexOf(best)];
}
