/**
 * When the client tries a call again. Only calls that are safe to repeat are retried: reads, PUTs
 * (content-addressed uploads), and POSTs that carry an Idempotency-Key (launch, exec, down, cancel…: the api
 * answers a repeat with the first request). What is retried: no answer at all (connection refused or reset,
 * the api restarting) and the answers that mean "not now": 429, 502, 503 (Postgres or Redis away) and 504.
 */
export interface RetryPolicy {
  /** Tries after the first; 0 turns retrying off. */
  retries: number;
  /** First wait; doubled each time, capped by `maxDelayMs`. A server's Retry-After wins when it is longer. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { retries: 6, baseDelayMs: 500, maxDelayMs: 8_000 };

const RETRY_STATUSES = new Set([429, 502, 503, 504]);

export function isRepeatable(method: string, headers: Record<string, string>): boolean {
  const m = method.toUpperCase();
  return m === 'GET' || m === 'HEAD' || m === 'PUT' || Object.keys(headers).some((h) => h.toLowerCase() === 'idempotency-key');
}

export function isRetryableStatus(status: number): boolean {
  return RETRY_STATUSES.has(status);
}

/** The wait before try `attempt` (1 = the first retry), honouring a Retry-After of seconds or an HTTP date. */
export function retryDelayMs(policy: RetryPolicy, attempt: number, retryAfter?: string | null, now = Date.now()): number {
  const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  if (!retryAfter) return backoff;
  const seconds = Number(retryAfter);
  const asked = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(retryAfter) - now;
  return Number.isFinite(asked) && asked > 0 ? Math.min(Math.max(asked, backoff), 60_000) : backoff;
}
