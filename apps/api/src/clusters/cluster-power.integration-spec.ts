import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ClusterStatus, QueueName, RequestKind, RequestStatus } from '@skyport/contracts';
import { startApiUnderTest, type ApiUnderTest } from '../testing/api-harness';

const TASK = 'name: t\nrun: echo hi\n';

// The api process on real Postgres: stop/start are accepted (request row, cluster state, the cluster-power job in
// the outbox) and refused where they cannot be; exec on a STOPPED cluster is refused; a launch on one starts it.
describe('POST /v1/clusters/:name/stop|start (api process, real Postgres)', { timeout: 120_000 }, () => {
  let t: ApiUnderTest;

  before(async () => {
    t = await startApiUnderTest('api_cluster_power', { SKYPORT_OUTBOX_RELAY: 'off' });
    await t.pg.query(`INSERT INTO clusters (name, phase, infra, num_nodes) VALUES ('gpu', 'UP', 'aws/us-east-1', 1), ('dev', 'UP', 'kubernetes/local', 1)`);
  });
  after(async () => {
    await t?.stop();
  });

  const cluster = async (name: string) => (await t.pg.query(`SELECT status, status_reason, stopped_at FROM clusters WHERE name = $1`, [name])).rows[0];
  const outbox = async (requestId: string) => (await t.pg.query(`SELECT queue, payload FROM outbox WHERE payload->>'requestId' = $1`, [requestId])).rows;

  it('stop of an UP AWS cluster: 202, STOPPED at once (no job accepted from then on), stop request, cluster-power job', async () => {
    const res = await t.call('POST', '/v1/clusters/gpu/stop');
    assert.equal(res.status, 202, JSON.stringify(res.body));
    assert.equal(res.body.outcome, 'stopping');
    assert.equal(res.headers.get('location'), `/v1/requests/${res.body.requestId}`);
    const row = await cluster('gpu');
    assert.equal(row.status, ClusterStatus.Stopped);
    assert.equal(row.status_reason, 'stop requested by admin');
    assert.equal(row.stopped_at, null, 'billed until the provisioner has the VMs stopped');
    assert.deepEqual((await t.pg.query(`SELECT phase, intent FROM clusters WHERE name = 'gpu'`)).rows[0], { phase: 'UP', intent: 'stop' }, 'the api writes the intent, not the phase');
    const [request] = (await t.pg.query(`SELECT kind, status FROM requests WHERE id = $1`, [res.body.requestId])).rows;
    assert.deepEqual(request, { kind: RequestKind.Stop, status: RequestStatus.Pending });
    assert.deepEqual(await outbox(res.body.requestId), [{ queue: QueueName.ClusterPower, payload: { clusterName: 'gpu', requestId: res.body.requestId, action: 'stop', reason: 'user' } }]);
    const again = await t.call('POST', '/v1/clusters/gpu/stop');
    assert.equal(again.status, 409);
    assert.match(again.body.message ?? JSON.stringify(again.body), /already STOPPED/);
    const early = await t.call('POST', '/v1/clusters/gpu/start');
    assert.equal(early.status, 409, 'a start before the stop is carried out would race it');
    assert.match(JSON.stringify(early.body), /still being stopped/);
    // What the provisioner does once the VMs are stopped.
    await t.pg.query(`UPDATE clusters SET phase = 'STOPPED', phase_reason = 'stopped', stopped_at = now() WHERE name = 'gpu'`);
  });

  it('exec on a STOPPED cluster is refused with what to do', async () => {
    const res = await t.call('POST', '/v1/clusters/gpu/exec', { body: { task: TASK } });
    assert.equal(res.status, 409);
    assert.match(JSON.stringify(res.body), /cluster 'gpu' is STOPPED: run 'skyport start gpu'/);
  });

  it('a launch on a STOPPED cluster starts it: a start request whose job hands the launch job to exec', async () => {
    const res = await t.call('POST', '/v1/clusters/gpu/launch', { body: { task: TASK } });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    const starts = (await t.pg.query(`SELECT id FROM requests WHERE cluster_name = 'gpu' AND kind = 'start'`)).rows;
    assert.equal(starts.length, 1);
    const [job] = await outbox(starts[0].id);
    assert.equal(job.queue, QueueName.ClusterPower);
    assert.deepEqual(job.payload, { clusterName: 'gpu', requestId: starts[0].id, action: 'start', reason: 'launch', thenExec: { requestId: res.body.requestId, clusterName: 'gpu', jobId: res.body.jobId } });
    assert.equal((await t.pg.query(`SELECT count(*)::int AS n FROM outbox WHERE queue = 'optimize'`)).rows[0].n, 0, 'no new placement');
    assert.equal((await cluster('gpu')).status, ClusterStatus.Stopped, 'UP only once the provisioner has the VMs back');
  });

  it('start of a STOPPED cluster: 202, a start request; of an UP one: 409', async () => {
    const res = await t.call('POST', '/v1/clusters/gpu/start');
    assert.equal(res.status, 202, JSON.stringify(res.body));
    assert.equal(res.body.outcome, 'starting');
    assert.deepEqual((await outbox(res.body.requestId))[0].payload, { clusterName: 'gpu', requestId: res.body.requestId, action: 'start', reason: 'user' });
    await t.pg.query(`UPDATE clusters SET phase = 'UP', stopped_at = NULL WHERE name = 'gpu'`);
    const up = await t.call('POST', '/v1/clusters/gpu/start');
    assert.equal(up.status, 409);
    assert.match(JSON.stringify(up.body), /already UP/);
  });

  it('Kubernetes clusters cannot stop: 409 saying what to do instead, nothing recorded', async () => {
    const res = await t.call('POST', '/v1/clusters/dev/stop');
    assert.equal(res.status, 409);
    assert.match(JSON.stringify(res.body), /Kubernetes clusters cannot be stopped .*skyport down dev/);
    assert.equal((await t.pg.query(`SELECT count(*)::int AS n FROM requests WHERE cluster_name = 'dev'`)).rows[0].n, 0);
    assert.equal((await cluster('dev')).status, ClusterStatus.Up);
  });

  it('the cost report bills no STOPPED time', async () => {
    await t.pg.query(`UPDATE clusters SET phase = 'STOPPED', created_at = now() - interval '100 seconds', stopped_at = now() - interval '60 seconds', stopped_seconds = 0 WHERE name = 'gpu'`);
    const res = await t.call('GET', '/v1/cost-report');
    assert.equal(res.status, 200);
    const gpu = res.body.items.find((i: { clusterName: string }) => i.clusterName === 'gpu');
    assert.ok(gpu.durationSeconds >= 39 && gpu.durationSeconds <= 45, `${gpu.durationSeconds} s billed`);
  });
});
