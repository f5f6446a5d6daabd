/**
 * Values remembered for a second or so in one api process: what a busy client asks on every call (its token, its
 * team's policy) is read from Postgres once per `ttlMs` instead. Holds promises, so the calls that arrive while a
 * read is in flight share it; a read that fails, or whose answer `keep` refuses, is forgotten as soon as it settles.
 * Bounded: when full it starts over (a flood of distinct keys costs reads, never memory).
 */
export class ShortLivedCache<K, V> {
  private readonly entries = new Map<K, { value: Promise<V>; until: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 10_000,
  ) {}

  /** The value remembered for `key`, else `load()`'s, remembered unless it fails or `keep` refuses it. */
  remember(key: K, load: () => Promise<V>, keep: (settled: V) => boolean = () => true): Promise<V> {
    const entry = this.entries.get(key);
    if (entry && entry.until > Date.now()) return entry.value;
    if (entry) this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    const fresh = { value: load(), until: Date.now() + this.ttlMs };
    this.entries.set(key, fresh);
    const forget = (): void => {
      if (this.entries.get(key) === fresh) this.entries.delete(key);
    };
    fresh.value.then((settled) => {
      if (!keep(settled)) forget();
    }, forget);
    return fresh.value;
  }

  delete(key: K): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }
}
