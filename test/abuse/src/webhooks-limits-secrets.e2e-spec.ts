import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { startAbuseStack, type AbuseStack } from './abuse-stack';

const WINDOW_SECONDS = 4;
const UNAUTHENTICATED_LIMIT = 20;
const TASK = 'resources:\n  cpus: 0.1\n  memory: 0.1\nrun: echo hi\n';

/**
 * Issue 15, items 5–8, tried against the running system: webhooks to internal addresses in every notation,
 * floods without (or with bogus) tokens, an admin's teardown of a team's cluster, and task secrets at rest.
 * No webhook is ever delivered anywhere here: every destination below is refused before any connection.
 */
describe('abuse: webhooks, rate limits and audit, event ownership, secrets (whole system, non-admin user)', () => {
  let s: AbuseStack;
  const name = (what: string) => `ab-${what}-${s.suffix}`;
  const windowPasses = () => new Promise((r) => setTimeout(r, WINDOW_SECONDS * 1000 + 500));

  before(async () => {
    s = await startAbuseStack('abuse_hooks_limits', {
      SKYPORT_API_RATE_WINDOW_SECONDS: String(WINDOW_SECONDS),
      SKYPORT_API_RATE_LIMIT_UNAUTHENTICATED: String(UNAUTHENTICATED_LIMIT),
    });
    for (const ns of [s.attacker.namespace, s.victim.namespace]) {
      await s.kube.core.createNamespace({ body: { metadata: { name: ns } } }).catch(() => undefined);
    }
  });
  after(async () => {
    await s?.stop();
  });

  const INTERNAL = [
    'http://169.254.169.254/latest/meta-data/',
    'http://[::ffff:169.254.169.254]/',
    'http://[::ffff:a9fe:a9fe]/',
    'http://2852039166/',
    'http://0251.0376.0251.0376/',
    'http://0xa9fea9fe/',
    'http://169.254.169.254./',
    'http://127.1/',
    'http://127.0.0.1:26432/',
    'http://[::1]:26379/',
    'http://localhost/',
    'http://LOCALHOST./',
    'http://hooks.localhost/',
    'http://10.0.0.1/',
    'http://172.16.0.1/',
    'http://192.168.1.1/',
    'http://100.64.0.1/',
    'http://[fd00::1]/',
    'http://[fe80::1]/',
    'http://0.0.0.0/',
    'http://[::]/',
    'http://224.0.0.1/',
    'http://255.255.255.255/',
    'http://192.0.2.1/',
    'http://[64:ff9b::a9fe:a9fe]/',
    'http://[::a9fe:a9fe]/',
  ];

  it('a webhook to an internal address is refused at registration in every notation (403 naming the rule), nothing stored', async () => {
    for (const url of INTERNAL) {
      const res = await s.call('POST', '/v1/webhooks', { token: s.attacker.token, body: { url, eventTypes: ['cluster.'] } });
      assert.equal(res.status, 403, `${url}: ${JSON.stringify(res.body)}`);
      assert.match(res.body.message, /^webhook refused: .+(webhooks go to public addresses only|this machine)/, url);
    }
    for (const url of ['http://a@127.0.0.1/', 'http://user:pass@169.254.169.254/', 'file:///etc/passwd', 'gopher://127.0.0.1:6379/_FLUSHALL']) {
      const res = await s.call('POST', '/v1/webhooks', { token: s.attacker.token, body: { url } });
      assert.equal(res.status, 400, `${url}: ${JSON.stringify(res.body)}`);
      assert.match(res.body.message, /url/);
    }
    assert.equal((await s.pg.query('SELECT count(*)::int AS n FROM webhooks')).rows[0].n, 0);
  });

  it('200 unauthenticated POSTs write no audit row (a metric counts them), and the address is limited', async () => {
    await windowPasses();
    const before = (await s.pg.query('SELECT count(*)::int AS n FROM audit_log')).rows[0].n as number;
    const statuses = new Map<number, number>();
    for (let i = 0; i < 200; i++) {
      const res = await s.call('POST', `/v1/clusters/${name('anon')}/launch`, { token: null, body: { task: TASK } });
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    }
    assert.deepEqual([...statuses.keys()].sort(), [401, 429], JSON.stringify([...statuses]));
    assert.ok((statuses.get(401) ?? 0) <= UNAUTHENTICATED_LIMIT * 2, `at most the limit per window passes to authentication: ${JSON.stringify([...statuses])}`);
    assert.equal((await s.pg.query('SELECT count(*)::int AS n FROM audit_log')).rows[0].n, before, 'no audit rows');
    assert.equal(await s.rowsFor(name('anon')), 0);
    const metrics = await s.call('GET', '/metrics', { token: null });
    assert.match(String(metrics.body), /skyport_api_unauthenticated_calls_total\{status="401"\} \d+/);
  });

  it('bogus tokens and whitespace variants share the client address bucket: 429 after the limit, whatever the header', async () => {
    await windowPasses();
    const headers = (i: number): Record<string, string> => {
      const bogus = `skp_${randomBytes(16).toString('hex')}`;
      return [
        { authorization: `Bearer ${bogus}` },
        { authorization: `Bearer    ${bogus}` },
        { authorization: `bearer\t${bogus}  ` },
        { authorization: `Bearer ${s.attacker.token.slice(0, -2)}xx` },
        { authorization: `Basic ${Buffer.from('admin:admin').toString('base64')}` },
      ][i % 5];
    };
    const statuses: number[] = [];
    for (let i = 0; i < UNAUTHENTICATED_LIMIT + 5; i++) statuses.push((await s.call('GET', '/v1/clusters', { token: null, headers: headers(i) })).status);
    assert.deepEqual(statuses.slice(0, UNAUTHENTICATED_LIMIT), Array(UNAUTHENTICATED_LIMIT).fill(401), statuses.join(','));
    assert.deepEqual(statuses.slice(UNAUTHENTICATED_LIMIT), Array(5).fill(429), statuses.join(','));
    const limited = await s.call('GET', '/v1/clusters', { token: null, headers: headers(0) });
    assert.equal(limited.body.code, 'RATE_LIMITED');
    assert.ok(Number(limited.headers.get('retry-after')) >= 1);
    await windowPasses();
    assert.equal((await s.call('GET', '/v1/whoami', { token: s.attacker.token })).status, 200, 'after the window the address may call again');
  });

  it("an admin's teardown of a team's cluster shows in that team's events and requests, not to the admin's team 'default'", async () => {
    const bystanderName = `dora-${s.suffix}`;
    assert.equal((await s.call('POST', '/v1/users', { body: { name: bystanderName, team: 'default', role: 'user' } })).status, 201);
    const bystander = (await s.call('POST', '/v1/tokens', { body: { user: bystanderName, name: 'bystander' } })).body.token as string;
    const since = (await s.pg.query('SELECT COALESCE(max(id), 0)::text AS id FROM events')).rows[0].id as string;
    const cluster = name('owned');
    const launch = await s.call('POST', `/v1/clusters/${cluster}/launch`, { token: s.attacker.token, body: { task: TASK } });
    assert.equal(launch.status, 202, JSON.stringify(launch.body));
    const down = await s.call('POST', `/v1/clusters/${cluster}/down`, {});
    assert.ok([200, 202].includes(down.status), JSON.stringify(down.body));
    const downId = down.body.requestId as string;
    const events = async (token: string) =>
      String((await s.call('GET', `/v1/events?since=${since}&follow=0`, { token })).body)
        .split('\n')
        .filter((l) => l.startsWith('data: '))
        .map((l) => JSON.parse(l.slice(6)) as { requestId?: string; clusterName?: string });
    assert.equal((await s.call('GET', `/v1/requests/${downId}`, { token: s.attacker.token })).status, 200);
    assert.ok((await events(s.attacker.token)).some((e) => e.requestId === downId), "the owning team's stream shows the admin's teardown");
    assert.equal((await s.call('GET', `/v1/requests/${downId}`, { token: bystander })).status, 404);
    assert.ok(!(await events(bystander)).some((e) => e.clusterName === cluster || e.requestId === downId), "'default' sees nothing of it");
  });

  it('secrets are sealed in Postgres, in no answer or event, reach the pod, and are gone after down', async () => {
    const cluster = name('sec');
    const value = `sk-live-${randomBytes(12).toString('hex')}`;
    const launch = await s.call('POST', `/v1/clusters/${cluster}/launch`, {
      token: s.attacker.token,
      body: { task: `${TASK}secrets:\n  API_KEY: null\n`, secrets: { API_KEY: value } },
    });
    assert.equal(launch.status, 202, JSON.stringify(launch.body));
    const dumpHas = async () => {
      for (const table of ['requests', 'request_secrets', 'jobs', 'events', 'outbox', 'audit_log', 'idempotency_keys', 'clusters', 'plans', 'attempts']) {
        if (JSON.stringify((await s.pg.query(`SELECT * FROM ${table}`)).rows).includes(value)) return table;
      }
      return undefined;
    };
    assert.equal(await dumpHas(), undefined, 'no plaintext secret in Postgres');
    assert.equal((await s.pg.query(`SELECT count(*)::int AS n FROM request_secrets WHERE sealed LIKE 'v1.%'`)).rows[0].n >= 1, true);
    let status = '';
    for (const deadline = Date.now() + 180_000; Date.now() < deadline; ) {
      status = (await s.call('GET', `/v1/clusters/${cluster}`, { token: s.attacker.token })).body?.status ?? '';
      if (['UP', 'FAILED'].includes(status)) break;
      await new Promise((r) => setTimeout(r, 1_000));
    }
    assert.equal(status, 'UP');
    const secret = await s.kube.core.readNamespacedSecret({ name: `${cluster}-secrets`, namespace: s.attacker.namespace });
    assert.equal(Buffer.from(secret.data?.API_KEY ?? '', 'base64').toString(), value, 'the pod gets the value');
    const answers = JSON.stringify([
      launch.body,
      (await s.call('GET', `/v1/requests/${launch.body.requestId}`, { token: s.attacker.token })).body,
      (await s.call('GET', `/v1/clusters/${cluster}`, { token: s.attacker.token })).body,
      (await s.call('GET', '/v1/clusters')).body,
      (await s.call('GET', '/v1/events?since=0&follow=0')).body,
      (await s.call('GET', '/v1/audit')).body,
    ]);
    assert.ok(!answers.includes(value), 'no answer or event shows the secret');
    assert.equal(await dumpHas(), undefined);
    const down = await s.call('POST', `/v1/clusters/${cluster}/down`, { token: s.attacker.token });
    assert.ok([200, 202].includes(down.status), JSON.stringify(down.body));
    for (const deadline = Date.now() + 120_000; Date.now() < deadline; ) {
      status = (await s.call('GET', `/v1/clusters/${cluster}`, { token: s.attacker.token })).body?.status ?? '';
      if (status === 'TERMINATED') break;
      await new Promise((r) => setTimeout(r, 1_000));
    }
    assert.equal(status, 'TERMINATED');
    assert.equal((await s.pg.query(`SELECT count(*)::int AS n FROM request_secrets WHERE request_id IN (SELECT id FROM requests WHERE cluster_name = $1)`, [cluster])).rows[0].n, 0, 'sealed values deleted with the cluster');
    assert.deepEqual(await s.objectsFor(cluster), [], 'the Kubernetes Secret is gone too');
    for (const svc of s.stack.services.values()) assert.ok(!svc.output().includes(value), `${svc.name} never logged it`);
  });
});
