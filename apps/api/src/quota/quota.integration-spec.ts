import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, startApiUnderTest, type ApiUnderTest } from '../testing/api-harness';

const task = (cpus: number): string => `resources:\n  cpus: ${cpus}\nrun: echo hi\n`;

describe('team quotas and the launch queue (api process, real Postgres)', () => {
  let t: ApiUnderTest;
  let token: string;
  const requestOf = new Map<string, string>();

  const launch = async (name: string, cpus: number, extra: Record<string, unknown> = {}) => {
    const res = await t.call('POST', `/v1/clusters/${name}/launch`, { token, body: { task: task(cpus), ...extra } });
    if (res.status === 202) requestOf.set(name, res.body.requestId);
    return res;
  };
  const state = async (name: string): Promise<string> =>
    (await t.pg.query('SELECT state FROM launch_queue WHERE request_id = $1', [requestOf.get(name)])).rows[0]?.state;
  const optimizeRow = async (name: string): Promise<string | undefined> =>
    (await t.pg.query(`SELECT id::text FROM outbox WHERE queue = 'optimize' AND payload->>'requestId' = $1`, [requestOf.get(name)])).rows[0]?.id;
  /** What the provisioner does when a cluster ends. */
  const terminate = (name: string) => t.pg.query(`UPDATE clusters SET phase = 'TERMINATED' WHERE name = $1`, [name]);

  before(async () => {
    t = await startApiUnderTest('api_quota', { SKYPORT_QUEUE_ADMIT_INTERVAL_MS: '200', SKYPORT_OUTBOX_RELAY: 'off' });
    token = (await t.userIn('q', 'quinn')).token;
    const quota = await t.call('PUT', '/v1/teams/q/quota', { body: { maxCpus: 4, maxClusters: 10 } });
    assert.equal(quota.status, 200, JSON.stringify(quota.body));
    assert.equal(quota.body.quota.maxCpus, 4);
  });

  after(async () => {
    await t?.stop();
  });

  it('admits launches that fit at once and queues the rest with position and reason', async () => {
    assert.equal((await launch('c1', 2)).body.queued, undefined);
    assert.equal((await launch('c2', 2)).body.queued, undefined);
    assert.ok(await optimizeRow('c1'));
    assert.ok(await optimizeRow('c2'));
    const c3 = await launch('c3', 3);
    assert.equal(c3.status, 202);
    assert.equal(c3.body.queued.position, 1);
    assert.match(c3.body.queued.reason, /CPUs: 4 in use \+ 3 asked > 4 allowed/);
    const c4 = await launch('c4', 1);
    assert.equal(c4.body.queued.position, 2);
    assert.equal(await optimizeRow('c3'), undefined);
    assert.equal(await optimizeRow('c4'), undefined);

    const queue = await t.call('GET', '/v1/queue', { token });
    assert.deepEqual(
      queue.body.items.map((i: { clusterName: string; position: number }) => [i.clusterName, i.position]),
      [['c3', 1], ['c4', 2]],
    );
    assert.match(queue.body.items[1].reason, /waiting behind/);
    const view = await t.call('GET', `/v1/requests/${requestOf.get('c3')}`, { token });
    assert.equal(view.body.status, 'PENDING');
    assert.equal(view.body.queue.position, 1);
    assert.ok(view.body.events.some((e: { type: string }) => e.type === 'request.queued'));
    assert.equal((await t.call('GET', '/v1/clusters/c4', { token })).body.queued.position, 2);
  });

  it('fail-fast refuses instead of queueing, and writes nothing', async () => {
    const res = await launch('c5', 1, { failFast: true });
    assert.equal(res.status, 409);
    assert.equal(res.body.details.reason, 'QUOTA_EXCEEDED');
    assert.equal((await t.pg.query(`SELECT count(*)::int AS n FROM clusters WHERE name = 'c5'`)).rows[0].n, 0);
  });

  it('strict FIFO: a later launch that would fit does not overtake the head; freed capacity goes to the head first', async () => {
    await terminate('c1');
    // 2 CPUs free: c4 (1 CPU) would fit, c3 (3 CPUs) not. Nothing may start before c3.
    await new Promise((r) => setTimeout(r, 1_000));
    assert.equal(await state('c3'), 'queued');
    assert.equal(await state('c4'), 'queued');
    await terminate('c2');
    await eventually(async () => (await state('c4')) === 'admitted', 10_000, 'c4 admitted');
    assert.equal(await state('c3'), 'admitted');
    const [o3, o4] = [await optimizeRow('c3'), await optimizeRow('c4')];
    assert.ok(o3 && o4 && BigInt(o3) < BigInt(o4), 'the head of the queue is sent to the optimizer first');
    const events = await t.call('GET', `/v1/requests/${requestOf.get('c3')}`, { token });
    assert.ok(events.body.events.some((e: { type: string }) => e.type === 'request.admitted'));
    assert.deepEqual((await t.call('GET', '/v1/queue', { token })).body.items, []);
  });

  it('a higher priority goes ahead of earlier launches; a queued launch taken down never starts', async () => {
    // c3 + c4 hold 4 CPUs.
    await launch('c6', 1);
    await launch('c7', 1, { priority: 10 });
    const queue = await t.call('GET', '/v1/queue', { token });
    assert.deepEqual(
      queue.body.items.map((i: { clusterName: string; position: number }) => [i.clusterName, i.position]),
      [['c7', 1], ['c6', 2]],
    );
    await terminate('c4');
    await eventually(async () => (await state('c7')) === 'admitted', 10_000, 'c7 admitted');
    assert.equal(await state('c6'), 'queued');
    const down = await t.call('POST', '/v1/clusters/c6/down', { token });
    assert.equal(down.status, 202);
    assert.equal(down.body.outcome, 'cancelled');
    assert.equal(await state('c6'), 'cancelled');
    assert.equal((await t.pg.query(`SELECT status FROM clusters WHERE name = 'c6'`)).rows[0].status, 'TERMINATED');
    assert.equal((await t.call('GET', `/v1/requests/${requestOf.get('c6')}`, { token })).body.status, 'CANCELLED');
    // Its job is the provisioner's to end: the api asks, as `cancel` does.
    assert.deepEqual((await t.pg.query(`SELECT job_id, request_id FROM job_cancel_requests WHERE cluster_name = 'c6'`)).rows, [{ job_id: 1, request_id: requestOf.get('c6') }]);
    assert.equal(await optimizeRow('c6'), undefined);
  });

  it('exposes the queue depth on /metrics', async () => {
    await launch('c8', 4);
    const metrics = await t.call('GET', '/metrics', { token: null });
    assert.match(String(metrics.body), /skyport_launch_queue_depth\{team="q"\} 1/);
    assert.match(String(metrics.body), /skyport_api_request_duration_seconds_bucket\{[^}]*route="\/v1\/clusters\/:name\/launch"/);
  });

  it("a task's resources.priority (SkyPilot's field) orders the queue when the request sets none; the request's wins", async () => {
    // c8 (4 CPUs) waits; c9 asks through its task file only, c10 through both (the request's 0 wins).
    const c9 = await t.call('POST', '/v1/clusters/c9/launch', { token, body: { task: `resources:\n  cpus: 1\n  priority: 50\nrun: echo hi\n` } });
    assert.equal(c9.status, 202, JSON.stringify(c9.body));
    const c10 = await t.call('POST', '/v1/clusters/c10/launch', { token, body: { task: `resources:\n  cpus: 1\n  priority: 60\nrun: echo hi\n`, priority: 0 } });
    assert.equal(c10.status, 202, JSON.stringify(c10.body));
    const queue = await t.call('GET', '/v1/queue', { token });
    assert.deepEqual(
      queue.body.items.map((i: { clusterName: string; priority: number }) => [i.clusterName, i.priority]),
      [['c9', 50], ['c8', 0], ['c10', 0]],
    );
  });

  it('a queued launch whose request ended elsewhere leaves the queue (the api marks it) and the next one goes', async () => {
    for (const name of ['c9', 'c10']) requestOf.set(name, (await t.pg.query('SELECT request_id FROM launch_queue WHERE cluster_name = $1', [name])).rows[0].request_id);
    // What the autodown reconciler does to a stuck request: it ends the request only; the queue is the api's.
    await t.pg.query(`UPDATE requests SET status = 'CANCELLED' WHERE id = $1`, [requestOf.get('c9')]);
    await t.pg.query(`UPDATE requests SET status = 'FAILED' WHERE id = $1`, [requestOf.get('c8')]);
    await eventually(async () => (await state('c9')) === 'cancelled' && (await state('c8')) === 'cancelled', 10_000, 'ended launches marked cancelled');
    assert.equal(await state('c10'), 'queued', 'c3 and c7 still hold the 4 CPUs');
    assert.deepEqual(
      (await t.call('GET', '/v1/queue', { token })).body.items.map((i: { clusterName: string; position: number }) => [i.clusterName, i.position]),
      [['c10', 1]],
    );
    // Room for 1 CPU: c9 (1 CPU, ahead) and c8 (4 CPUs, ahead, would block) are gone, so c10 starts.
    await terminate('c3');
    await eventually(async () => (await state('c10')) === 'admitted', 10_000, 'c10 admitted');
    assert.equal(await optimizeRow('c9'), undefined);
    assert.equal(await optimizeRow('c8'), undefined);
    assert.ok(await optimizeRow('c10'));
  });
});
