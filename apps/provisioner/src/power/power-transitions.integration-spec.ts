import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { ErrorCode, RequestKind, SkyportError } from '@skyport/contracts';
import type { Logger } from '@skyport/service-kit';
import { migratedTestDatabase } from '@skyport/persistence/testing';
import { ClusterPowerService, type CloudPower } from './cluster-power.service';

const hasDb = Boolean(process.env.SKYPORT_TEST_DATABASE_URL);
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined } as unknown as Logger;

// The rows a stop or start leaves when its cloud call races a `down` or fails; the cloud is a stand-in here (the
// real stop and start are cluster-power.integration-spec's).
describe('cluster-power: its cluster and job transitions', { skip: hasDb ? false : 'needs the local stack (npm test)' }, () => {
  let ds: DataSource;
  let drop: () => Promise<void>;

  before(async () => {
    const db = await migratedTestDatabase('power_transitions');
    ds = db.ds;
    drop = db.drop;
  });

  after(async () => {
    await drop?.();
  });

  const seed = async (name: string, phase: string, intent: string | null = null) => {
    await ds.query(`INSERT INTO clusters (name, phase, owner, infra, intent, stopped_at) VALUES ($1, $2, 'alice', 'aws/us-east-1', $3, CASE WHEN $2 = 'STOPPED' THEN now() END)`, [name, phase, intent]);
  };
  const request = async (cluster: string, kind: RequestKind) => {
    const id = randomUUID();
    await ds.query(`INSERT INTO requests (id, kind, status, cluster_name, owner, body_hash, payload) VALUES ($1, $2, 'PENDING', $3, 'alice', 'h', '{}')`, [id, kind, cluster]);
    return id;
  };
  const clusterOf = async (name: string) => (await ds.query(`SELECT phase, status, intent, status_reason, stopped_at IS NOT NULL AS stopped FROM clusters WHERE name = $1`, [name]))[0];
  const requestOf = async (id: string) => (await ds.query(`SELECT status, error_message FROM requests WHERE id = $1`, [id]))[0];
  const eventTypes = async (cluster: string) => ((await ds.query(`SELECT type FROM events WHERE cluster_name = $1 ORDER BY id`, [cluster])) as Array<{ type: string }>).map((e) => e.type);
  const power = (cloud: Partial<CloudPower>) =>
    new ClusterPowerService({ db: ds, logger: quiet, cloud: { stopInfra: async () => true, startInfra: async () => true, ...cloud } });

  test('a down accepted while the VMs stop wins: the cluster is left to the teardown, its jobs too, and the stop is cancelled', async () => {
    await seed('pt-race', 'UP', 'stop');
    const running = await request('pt-race', RequestKind.Exec);
    await ds.query(`INSERT INTO jobs (cluster_name, job_id, status, task, request_id) VALUES ('pt-race', 1, 'RUNNING', '{}', $1)`, [running]);
    const stopId = await request('pt-race', RequestKind.Stop);
    await power({ stopInfra: async () => (await ds.query(`UPDATE clusters SET intent = 'down' WHERE name = 'pt-race'`), true) }).handle({
      clusterName: 'pt-race',
      requestId: stopId,
      action: 'stop',
      reason: 'user',
    });
    assert.deepEqual(await clusterOf('pt-race'), { phase: 'UP', status: 'TEARING_DOWN', intent: 'down', status_reason: null, stopped: false });
    assert.deepEqual(await requestOf(stopId), { status: 'CANCELLED', error_message: "cluster 'pt-race' was taken down before it could stop" });
    assert.equal((await ds.query(`SELECT status FROM jobs WHERE cluster_name = 'pt-race'`))[0].status, 'RUNNING');
    assert.equal((await requestOf(running)).status, 'PENDING');
    assert.deepEqual(await eventTypes('pt-race'), ['request.cancelled']);
  });

  test('a failed stop: the cluster is UP again, its stop intent withdrawn, the request FAILED, no cluster event', async () => {
    await seed('pt-stop-failed', 'UP', 'stop');
    const stopId = await request('pt-stop-failed', RequestKind.Stop);
    await power({ stopInfra: async () => Promise.reject(new SkyportError(ErrorCode.ProviderUnavailable, 'the cloud said no')) }).handle({
      clusterName: 'pt-stop-failed',
      requestId: stopId,
      action: 'stop',
      reason: 'user',
    });
    assert.deepEqual(await clusterOf('pt-stop-failed'), { phase: 'UP', status: 'UP', intent: null, status_reason: 'stop failed: the cloud said no', stopped: false });
    assert.equal((await requestOf(stopId)).status, 'FAILED');
    assert.deepEqual(await eventTypes('pt-stop-failed'), ['request.failed']);
  });

  test("a failed start: the cluster stays STOPPED, the launch's queued job and request FAILED", async () => {
    await seed('pt-start-failed', 'STOPPED');
    const launchId = await request('pt-start-failed', RequestKind.Launch);
    await ds.query(`INSERT INTO jobs (cluster_name, job_id, status, task, request_id) VALUES ('pt-start-failed', 1, 'PENDING', '{}', $1)`, [launchId]);
    const startId = await request('pt-start-failed', RequestKind.Start);
    await power({ startInfra: async () => Promise.reject(new SkyportError(ErrorCode.ProviderUnavailable, 'no capacity')) }).handle({
      clusterName: 'pt-start-failed',
      requestId: startId,
      action: 'start',
      reason: 'launch',
      thenExec: { requestId: launchId, clusterName: 'pt-start-failed', jobId: 1 },
    });
    assert.deepEqual(await clusterOf('pt-start-failed'), { phase: 'STOPPED', status: 'STOPPED', intent: null, status_reason: 'start failed: no capacity', stopped: true });
    const job = (await ds.query(`SELECT status, ended_at IS NOT NULL AS ended FROM jobs WHERE cluster_name = 'pt-start-failed'`))[0];
    assert.deepEqual(job, { status: 'FAILED', ended: true });
    assert.deepEqual([(await requestOf(launchId)).status, (await requestOf(startId)).status], ['FAILED', 'FAILED']);
  });
});
