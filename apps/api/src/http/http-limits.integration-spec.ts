import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startApiUnderTest, type ApiUnderTest } from '../testing/api-harness';

const TASK = 'resources:\n  cpus: 1\nrun: echo hi\n';

describe('rate limits and idempotency keys (api process, real Postgres + Redis)', () => {
  let t: ApiUnderTest;
  let user: { token: string };

  before(async () => {
    t = await startApiUnderTest('api_http_limits', { SKYPORT_API_RATE_LIMIT: '15', SKYPORT_API_RATE_WINDOW_SECONDS: '3', SKYPORT_API_RATE_LIMIT_UNAUTHENTICATED: '10' });
    user = await t.userIn('lim', 'lina');
    // Start from a fresh window for both tokens.
    await new Promise((r) => setTimeout(r, 3_100));
  });

  after(async () => {
    await t?.stop();
  });

  it('over the limit a token gets 429 with Retry-After; other tokens are not affected; after the wait it may call again', async () => {
    let ok = 0;
    let limited: Awaited<ReturnType<ApiUnderTest['call']>> | undefined;
    for (let i = 0; i < 60 && !limited; i++) {
      const res = await t.call('GET', '/v1/whoami');
      if (res.status === 429) limited = res;
      else {
        assert.equal(res.status, 200);
        assert.ok(Number(res.headers.get('x-ratelimit-remaining')) >= 0);
        ok++;
      }
    }
    assert.ok(limited, 'no 429 after 60 calls');
    // A fixed window: a burst that straddles a window boundary may pass up to twice the limit.
    assert.ok(ok >= 1 && ok <= 30, `${ok} calls passed before the 429`);
    assert.equal(limited.body.code, 'RATE_LIMITED');
    const retryAfter = Number(limited.headers.get('retry-after'));
    assert.ok(retryAfter >= 1 && retryAfter <= 4, `Retry-After ${retryAfter}`);
    assert.equal((await t.call('GET', '/v1/whoami', { token: user.token })).status, 200, 'another token has its own budget');
    assert.equal((await t.call('GET', '/healthz', { token: null })).status, 200, 'probes are not limited');
    await new Promise((r) => setTimeout(r, retryAfter * 1000 + 100));
    assert.equal((await t.call('GET', '/v1/whoami')).status, 200);
  });

  it('a POST retried with its Idempotency-Key gets the first answer again; the same key with another body is refused', async () => {
    const u = { token: user.token };
    const launched = await t.call('POST', '/v1/clusters/idem/launch', { ...u, body: { task: TASK } });
    assert.equal(launched.status, 202, JSON.stringify(launched.body));
    const first = await t.call('POST', '/v1/clusters/idem/jobs/cancel', { ...u, body: { all: true }, headers: { 'idempotency-key': 'cancel-1' } });
    assert.equal(first.status, 202);
    const retry = await t.call('POST', '/v1/clusters/idem/jobs/cancel', { ...u, body: { all: true }, headers: { 'idempotency-key': 'cancel-1' } });
    assert.equal(retry.status, 202);
    assert.equal(retry.headers.get('idempotent-replayed'), 'true');
    assert.deepEqual(retry.body, first.body);
    assert.equal((await t.pg.query(`SELECT count(*)::int AS n FROM requests WHERE kind = 'cancel'`)).rows[0].n, 1);
    const reused = await t.call('POST', '/v1/clusters/idem/jobs/cancel', { ...u, body: { jobIds: [1] }, headers: { 'idempotency-key': 'cancel-1' } });
    assert.equal(reused.status, 422);
    assert.equal(reused.body.code, 'IDEMPOTENCY_KEY_REUSED');
    // Keys belong to their caller: another user's identical key is a new request.
    const admin = await t.call('POST', '/v1/teams', { body: { name: 'idem-team' }, headers: { 'idempotency-key': 'cancel-1' } });
    assert.equal(admin.status, 201);
    // A failed first try stores nothing: the retry runs again.
    const bad = await t.call('POST', '/v1/teams', { body: { name: 'Bad Name' }, headers: { 'idempotency-key': 'team-2' } });
    assert.equal(bad.status, 400);
    assert.equal((await t.call('POST', '/v1/teams', { body: { name: 'Bad Name' }, headers: { 'idempotency-key': 'team-2' } })).status, 400);
    assert.equal((await t.call('POST', '/v1/teams', { body: { name: 'x' }, headers: { 'idempotency-key': 'has spaces' } })).status, 400);
  });

  it('whitespace variants of one token spend from the same (per-user) bucket', async () => {
    await new Promise((r) => setTimeout(r, 3_100));
    const variants = [`Bearer ${user.token}`, `Bearer  ${user.token}`, `Bearer\t${user.token}`, `bearer ${user.token}  `, `BEARER   ${user.token}`];
    let ok = 0;
    let limited = false;
    for (let i = 0; i < 40 && !limited; i++) {
      const res = await t.call('GET', '/v1/whoami', { token: null, headers: { authorization: variants[i % variants.length] } });
      if (res.status === 429) limited = true;
      else {
        assert.equal(res.status, 200);
        ok++;
      }
    }
    assert.ok(limited, 'no 429 after 40 calls with spacing variants');
    assert.ok(ok <= 30, `${ok} calls passed`);
  });

  it('bogus tokens and no token share the client address bucket (429), and write no audit rows', async () => {
    await new Promise((r) => setTimeout(r, 3_100));
    const auditBefore = (await t.pg.query('SELECT count(*)::int AS n FROM audit_log')).rows[0].n;
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) {
      const headers: Record<string, string> = i % 3 === 0 ? {} : { authorization: i % 3 === 1 ? `Bearer skp_bogus_${i}_${'x'.repeat(30)}` : `Bearer   skp_bogus_${i}_${'y'.repeat(30)}  ` };
      statuses.push((await t.call('POST', '/v1/clusters/x/launch', { token: null, headers, body: { task: TASK } })).status);
    }
    assert.deepEqual(statuses.slice(0, 10), Array(10).fill(401), statuses.join(','));
    assert.ok(statuses.slice(10).every((s) => s === 429), `after 10 failed authentications the address is limited: ${statuses.join(',')}`);
    assert.equal((await t.pg.query('SELECT count(*)::int AS n FROM audit_log')).rows[0].n, auditBefore, 'no audit row for unauthenticated calls');
    const metrics = await t.call('GET', '/metrics', { token: null });
    assert.match(String(metrics.body), /skyport_api_unauthenticated_calls_total\{status="401"\} 10/);
    assert.match(String(metrics.body), /skyport_api_unauthenticated_calls_total\{status="429"\} 10/);
    await new Promise((r) => setTimeout(r, 3_100));
    assert.equal((await t.call('GET', '/v1/whoami', { token: user.token })).status, 200, 'the address may call again after the window');
  });
});
