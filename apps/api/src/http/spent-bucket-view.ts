import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { consume, spent } from './rate-limiters';

/** How long this replica trusts what it last learned of an address's bucket before asking Redis again. */
export const BUCKET_VIEW_MS = 1000;

interface Seen {
  consumed: number;
  /** When the bucket's window ends (the count starts over). */
  resetsAt: number;
  /** Until when this view is used without asking Redis. */
  freshUntil: number;
}

/**
 * This replica's view of a bucket that is only looked at on most calls and spent on a few (the "unauthenticated"
 * bucket: read before every token lookup, spent by each 401). Reading it in Redis on every call was a round trip
 * per request for an answer that is almost always "not spent"; instead the view is refreshed by every spend this
 * replica makes (Redis answers with the shared count) and read from Redis at most once per BUCKET_VIEW_MS per
 * address. A spend still in flight is waited for, so a replica never lets a call through that it has already
 * seen spend the bucket. What another replica spent is seen here within BUCKET_VIEW_MS (or at this replica's next
 * 401 for the address, whichever is first).
 */
export class SpentBucketView {
  private readonly seen = new Map<string, Seen>();
  private readonly spending = new Map<string, Promise<unknown>>();

  constructor(
    private readonly limiter: RateLimiterAbstract,
    private readonly points: number,
    private readonly maxAddresses = 10_000,
  ) {}

  /** The bucket's state when spent (for the 429's Retry-After), undefined when calls may go on. */
  async spent(key: string): Promise<RateLimiterRes | undefined> {
    const inFlight = this.spending.get(key);
    if (inFlight) await inFlight;
    const now = Date.now();
    const view = this.seen.get(key);
    if (view && view.freshUntil > now) return this.asSpent(view, now);
    if (view && view.resetsAt > now && view.consumed >= this.points) return this.asSpent(view, now);
    const state = await spent(this.limiter, key, this.points);
    this.remember(key, state?.consumedPoints ?? 0, state?.msBeforeNext ?? 0);
    return state;
  }

  /** Spends from the bucket (a call failed authentication) and keeps Redis' answer as this replica's view. */
  spend(key: string): void {
    const spending = consume(this.limiter, key).then(({ refused, state }) => {
      const res = refused ?? state;
      if (res) this.remember(key, res.consumedPoints, res.msBeforeNext);
    });
    this.spending.set(key, spending);
    void spending.finally(() => {
      if (this.spending.get(key) === spending) this.spending.delete(key);
    });
  }

  private asSpent(view: Seen, now: number): RateLimiterRes | undefined {
    if (view.resetsAt <= now || view.consumed < this.points) return undefined;
    return new RateLimiterRes(0, view.resetsAt - now, view.consumed);
  }

  private remember(key: string, consumed: number, msBeforeNext: number): void {
    if (this.seen.size >= this.maxAddresses && !this.seen.has(key)) this.seen.clear();
    const now = Date.now();
    this.seen.set(key, { consumed, resetsAt: now + Math.max(0, msBeforeNext), freshUntil: now + BUCKET_VIEW_MS });
  }
}
