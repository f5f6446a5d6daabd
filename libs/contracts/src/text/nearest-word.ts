import { closest, distance } from 'fastest-levenshtein';

export interface NearestWordOptions {
  /** Compare without regard to case (task keys, accelerator names); the candidate is returned as written. */
  ignoreCase?: boolean;
  /**
   * A candidate that starts with a word of three or more letters wins over edit distance: a truncated key
   * (`idle` for `idle_minutes`) is a plausible slip even when the distance is large. On unless false.
   */
  prefixes?: boolean;
}

/**
 * The "did you mean" suggestion of every message that names a value we do not know: the candidate nearest to
 * `word` when it is close enough to be a plausible typo (at most max(2, a third of the word's length) edits),
 * else undefined. The task parser, the config loader and the accelerator catalog all ask this one function.
 */
export function nearestWord(word: string, candidates: readonly string[], options: NearestWordOptions = {}): string | undefined {
  if (candidates.length === 0) return undefined;
  const fold = options.ignoreCase ? (s: string) => s.toLowerCase() : (s: string) => s;
  const folded = candidates.map(fold);
  const w = fold(word);
  if (options.prefixes !== false && w.length >= 3) {
    const prefixed = folded.findIndex((c) => c.startsWith(w));
    if (prefixed >= 0) return candidates[prefixed];
  }
  const best = closest(w, folded);
  if (distance(w, best) > Math.max(2, Math.floor(word.length / 3))) return undefined;
  return candidates[folded.indexOf(best)];
}
