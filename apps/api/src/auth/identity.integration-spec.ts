import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN_TOKEN, startApiUnderTest, type ApiUnderTest } from '../testing/api-harness';

const TASK = 'name: t\nresources:\n  cpus: 1\nrun: echo hi\n';
const SECRET_VALUE = 'sup3r-s3cret-value-never-shown';

describe('identity and isolation (api process, real Postgres + Redis, auth on)', () => {
  let t: ApiUnderTest;
  let alice: { token: string; userId: string; tokenId: string };
  let bob: { token: string; userId: string; tokenId: string };
  let requestId: string;

  before(async () => {
    t = await startApiUnderTest('api_identity');
    alice = await t.userIn('team-a', 'alice');
    bob = await t.userIn('team-b', 'bob');
    const launch = await t.call('POST', '/v1/clusters/alpha/launch', { token: alice.token, body: { task: TASK, secrets: { API_KEY: SECRET_VALUE } } });
    assert.equal(launch.status, 202, JSON.stringify(launch.body));
    requestId = launch.body.requestId;
  });

  after(async () => {
    await t?.stop();
  });

  it('refuses calls without a token, with a malformed one and with an unknown one (401, WWW-Authenticate)', async () => {
    for (const token of [null, 'short', 'skp_unknown_token_xxxxxxxxxxxxxxxxxxxxxxxxxxx']) {
      const res = await t.call('GET', '/v1/clusters', { token });
      assert.equal(res.status, 401);
      assert.equal(res.body.code, 'UNAUTHENTICATED');
      assert.match(res.headers.get('www-authenticate') ?? '', /^Bearer/);
    }
    assert.equal((await t.call('GET', '/healthz', { token: null })).status, 200);
    assert.equal((await t.call('GET', '/v1/openapi.json', { token: null })).status, 200);
  });

  it('another team cannot read, follow, cancel, exec on or take down a cluster (404), nor reuse its name (409)', async () => {
    const b = { token: bob.token };
    assert.equal((await t.call('GET', '/v1/clusters/alpha', b)).status, 404);
    assert.equal((await t.call('GET', '/v1/clusters/alpha/jobs', b)).status, 404);
    assert.equal((await t.call('GET', '/v1/clusters/alpha/endpoints', b)).status, 404);
    assert.equal((await t.call('GET', `/v1/requests/${requestId}`, b)).status, 404);
    assert.equal((await t.call('GET', `/v1/requests/${requestId}/events`, b)).status, 404);
    assert.equal((await t.call('POST', '/v1/clusters/alpha/jobs/cancel', { ...b, body: { all: true } })).status, 404);
    assert.equal((await t.call('POST', '/v1/clusters/alpha/down', b)).status, 404);
    assert.equal((await t.call('POST', '/v1/clusters/alpha/exec', { ...b, body: { task: TASK } })).status, 404);
    const relaunch = await t.call('POST', '/v1/clusters/alpha/launch', { ...b, body: { task: TASK } });
    assert.equal(relaunch.status, 409);
    assert.match(relaunch.body.message, /another team/);
    const list = await t.call('GET', '/v1/clusters', b);
    assert.deepEqual(list.body.items, []);
    const events = await t.call('GET', '/v1/events?since=0&follow=0', b);
    assert.doesNotMatch(String(events.body), /alpha/);
    // Nothing was written for the refused calls.
    assert.equal((await t.pg.query(`SELECT count(*)::int AS n FROM requests WHERE owner = $1`, [bob.userId])).rows[0].n, 0);
  });

  it('the owner’s team and admins see the cluster', async () => {
    const carol = await t.userIn('team-a', 'carol');
    assert.equal((await t.call('GET', '/v1/clusters/alpha', { token: carol.token })).status, 200);
    const asAdmin = await t.call('GET', '/v1/clusters', { token: ADMIN_TOKEN });
    assert.deepEqual(asAdmin.body.items.map((c: { name: string }) => c.name), ['alpha']);
    assert.equal(asAdmin.body.items[0].team, 'team-a');
    assert.equal(asAdmin.body.items[0].owner, 'alice');
  });

  it('a user launches only into their team’s namespaces (403 otherwise, nothing written)', async () => {
    const ns = await t.call('PUT', '/v1/teams/team-b/namespaces', { body: { namespaces: [{ context: 'ctx-b', namespace: 'team-b' }] } });
    assert.equal(ns.status, 200, JSON.stringify(ns.body));
    const otherContext = await t.call('POST', '/v1/clusters/b1/launch', { token: bob.token, body: { task: `${TASK}resources:\n  infra: kubernetes/ctx-a\n`.replace('resources:\n  cpus: 1\n', '') } });
    assert.equal(otherContext.status, 403, JSON.stringify(otherContext.body));
    const otherNamespace = await t.call('POST', '/v1/clusters/b2/launch', { token: bob.token, body: { task: `${TASK}config:\n  kubernetes:\n    namespace: team-a\n` } });
    assert.equal(otherNamespace.status, 403, JSON.stringify(otherNamespace.body));
    assert.equal((await t.pg.query(`SELECT count(*)::int AS n FROM clusters WHERE name IN ('b1', 'b2')`)).rows[0].n, 0);
    const own = await t.call('POST', '/v1/clusters/b3/launch', { token: bob.token, body: { task: `${TASK}config:\n  kubernetes:\n    namespace: team-b\n` } });
    assert.equal(own.status, 202, JSON.stringify(own.body));
    const payload = (await t.pg.query('SELECT payload FROM requests WHERE id = $1', [own.body.requestId])).rows[0].payload;
    assert.deepEqual(payload.placement, { team: 'team-b', namespaces: [{ context: 'ctx-b', namespace: 'team-b' }] });
  });

  it('users cannot administer: users, teams, quotas, audit are admin-only (403)', async () => {
    const a = { token: alice.token };
    assert.equal((await t.call('POST', '/v1/users', { ...a, body: { name: 'mallory', team: 'team-a' } })).status, 403);
    assert.equal((await t.call('POST', '/v1/teams', { ...a, body: { name: 'new-team' } })).status, 403);
    assert.equal((await t.call('PUT', '/v1/teams/team-a/quota', { ...a, body: { maxCpus: 1000 } })).status, 403);
    assert.equal((await t.call('GET', '/v1/audit', a)).status, 403);
    assert.equal((await t.call('POST', '/v1/tokens', { ...a, body: { user: 'bob' } })).status, 403);
    assert.equal((await t.call('GET', '/v1/teams/team-b', a)).status, 404);
  });

  it('tokens: shown once, stored hashed, revocable, and expired ones are refused', async () => {
    const created = await t.call('POST', '/v1/tokens', { token: alice.token, body: { name: 'ci', expiresInDays: 1 } });
    assert.equal(created.status, 201);
    const token = created.body.token as string;
    assert.match(token, /^skp_/);
    const stored = await t.pg.query('SELECT token_hash FROM api_tokens WHERE id = $1', [created.body.id]);
    assert.notEqual(stored.rows[0].token_hash, token);
    assert.equal((await t.pg.query(`SELECT count(*)::int AS n FROM api_tokens WHERE token_hash LIKE '%' || $1 || '%'`, [token.slice(4)])).rows[0].n, 0);
    const listed = await t.call('GET', '/v1/tokens', { token: alice.token });
    assert.ok(listed.body.items.every((i: Record<string, unknown>) => !('token' in i)));
    assert.ok(!JSON.stringify(listed.body).includes(token));
    assert.equal((await t.call('GET', '/v1/whoami', { token })).body.name, 'alice');

    // Bob cannot revoke Alice's token: it does not exist for him.
    assert.equal((await t.call('DELETE', `/v1/tokens/${created.body.id}`, { token: bob.token })).status, 404);
    const revoked = await t.call('DELETE', `/v1/tokens/${created.body.id}`, { token: alice.token });
    assert.equal(revoked.status, 200);
    assert.equal(revoked.body.state, 'revoked');
    const after = await t.call('GET', '/v1/whoami', { token });
    assert.equal(after.status, 401);

    const expiring = await t.call('POST', '/v1/tokens', { token: alice.token, body: { name: 'short', expiresAt: new Date(Date.now() + 1500).toISOString() } });
    assert.equal((await t.call('GET', '/v1/whoami', { token: expiring.body.token })).status, 200);
    await new Promise((r) => setTimeout(r, 1600));
    assert.equal((await t.call('GET', '/v1/whoami', { token: expiring.body.token })).status, 401);

    // A disabled user's tokens stop working too.
    const dave = await t.userIn('team-a', 'dave');
    assert.equal((await t.call('PATCH', '/v1/users/dave', { body: { disabled: true } })).status, 200);
    assert.equal((await t.call('GET', '/v1/whoami', { token: dave.token })).status, 401);
  });

  it('a token POST retried with its Idempotency-Key does not show the token again', async () => {
    const first = await t.call('POST', '/v1/tokens', { token: alice.token, body: { name: 'once' }, headers: { 'idempotency-key': 'tok-1' } });
    assert.equal(first.status, 201);
    const retry = await t.call('POST', '/v1/tokens', { token: alice.token, body: { name: 'once' }, headers: { 'idempotency-key': 'tok-1' } });
    assert.equal(retry.status, 409);
    assert.ok(!JSON.stringify(retry.body).includes(first.body.token));
    assert.equal(retry.body.details.id, first.body.id);
  });

  it('every mutating call is audited (who, what, from where, result); secrets appear nowhere', async () => {
    const audit = await t.call('GET', '/v1/audit?limit=500');
    assert.equal(audit.status, 200);
    const rows = audit.body.items as Array<{ actor: string | null; method: string; path: string; result: string; ip: string; statusCode: number }>;
    assert.ok(rows.some((r) => r.actor === 'alice' && r.method === 'POST' && r.path === '/v1/clusters/alpha/launch' && r.result === 'ok' && r.statusCode === 202 && r.ip));
    assert.ok(rows.some((r) => r.actor === 'bob' && r.path === '/v1/clusters/alpha/down' && r.result === 'NOT_FOUND'));
    assert.ok(rows.some((r) => r.actor === 'alice' && r.path === '/v1/users' && r.result === 'FORBIDDEN'));
    const filtered = await t.call('GET', '/v1/audit?actor=bob');
    assert.ok(filtered.body.items.length > 0 && filtered.body.items.every((r: { actor: string }) => r.actor === 'bob'));
    // Refused without a token: no audit row (a flood must not fill the log); a metric counts it instead.
    await t.call('POST', '/v1/clusters/alpha/down', { token: null });
    const anon = await t.call('GET', '/v1/audit?result=UNAUTHENTICATED');
    assert.deepEqual(anon.body.items, []);
    assert.match(String((await t.call('GET', '/metrics', { token: null })).body), /skyport_api_unauthenticated_calls_total\{status="401"\} [1-9]/);

    const seen = [
      JSON.stringify((await t.call('GET', `/v1/requests/${requestId}`, { token: alice.token })).body),
      JSON.stringify((await t.call('GET', '/v1/clusters/alpha', { token: alice.token })).body),
      String((await t.call('GET', '/v1/events?since=0&follow=0')).body),
      JSON.stringify((await t.pg.query('SELECT * FROM audit_log')).rows),
      JSON.stringify((await t.pg.query('SELECT * FROM events')).rows),
      JSON.stringify((await t.pg.query('SELECT payload FROM requests')).rows),
      t.api.output(),
    ].join('\n');
    assert.ok(!seen.includes(SECRET_VALUE), 'a secret value leaked');
    assert.ok(!seen.includes(ADMIN_TOKEN) && !seen.includes(alice.token), 'a token leaked');
  });
});
