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

  get(key: K): Promise<V> | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.until > Date.now()) return entry.value;
    this.entries.delete(key);
    return undefined;
  }

  set(key: K, value: Promise<V>, keep: (settled: V) => boolean = () => true): void {
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    const entry = { value, until: Date.now() + this.ttlMs };
    this.entries.set(key, entry);
    const forget = (): void => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    };
    value.then((settled) => {
      if (!keep(settled)) forget();
    }, forget);
  }

  delete(key: K): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }
}
