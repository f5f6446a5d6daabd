import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_RETRY_POLICY, isRepeatable, isRetryableStatus, retryDelayMs } from './retry-policy';

test('only calls safe to repeat are retried', () => {
  assert.equal(isRepeatable('GET', {}), true);
  assert.equal(isRepeatable('PUT', {}), true);
  assert.equal(isRepeatable('POST', { 'idempotency-key': 'k' }), true);
  assert.equal(isRepeatable('POST', { 'Idempotency-Key': 'k' }), true);
  assert.equal(isRepeatable('POST', {}), false);
  assert.equal(isRepeatable('DELETE', {}), false);
});

test('"not now" answers are retried, mistakes are not', () => {
  for (const s of [429, 502, 503, 504]) assert.equal(isRetryableStatus(s), true, String(s));
  for (const s of [400, 401, 403, 404, 409, 413, 422, 500]) assert.equal(isRetryableStatus(s), false, String(s));
});

test('waits double up to the cap; a longer Retry-After wins, up to a minute', () => {
  const p = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 500, maxDelayMs: 8_000 };
  assert.deepEqual([1, 2, 3, 4, 5, 6].map((a) => retryDelayMs(p, a)), [500, 1000, 2000, 4000, 8000, 8000]);
  assert.equal(retryDelayMs(p, 1, '5'), 5000);
  assert.equal(retryDelayMs(p, 5, '1'), 8000, 'the backoff when it is longer');
  assert.equal(retryDelayMs(p, 1, '3600'), 60_000);
  assert.equal(retryDelayMs(p, 1, new Date(10_000 + 3_000).toUTCString(), 10_000), 3000);
  assert.equal(retryDelayMs(p, 1, 'soon'), 500);
});
