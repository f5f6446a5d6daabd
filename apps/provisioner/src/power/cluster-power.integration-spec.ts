import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { ClusterStatus, JobStatus, RequestKind, RequestStatus, type ClusterPowerPayload, type ExecPayload } from '@skyport/contracts';
import { testAwsEndpoint } from '@skyport/cloud-aws/testing';
import { CloudInstanceEntity } from '@skyport/persistence';
import type { Logger } from '@skyport/service-kit';
import { CloudBridge } from '../provision/cloud-bridge';
import { TeardownService } from '../teardown/teardown.service';
import { startCloudFixture, type CloudFixture } from '../cloud/testing/cloud-fixture';
import { ClusterPowerService } from './cluster-power.service';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined } as unknown as Logger;

// EC2 from moto on 127.0.0.1 (StopInstances/StartInstances and their states are moto's), Postgres, and a local
// sshd standing in for the VMs: stop, start (addresses re-read, SSH re-checked), autostop's stop, and down of a
// STOPPED cluster, each checked in moto and in the cluster's rows.
describe('stop / start of an AWS cluster: moto + local sshd + Postgres', { timeout: 90_000 }, () => {
  const cluster = `power-${randomBytes(3).toString('hex')}`;
  const region = 'us-east-1';
  let f: CloudFixture;
  let power: ClusterPowerService;
  let ec2: EC2Client;
  const handedToExec: ExecPayload[] = [];

  /** What moto says of each instance of the cluster: state and public address, by instance id. */
  async function inMoto(): Promise<Map<string, { state: string; publicIp?: string }>> {
    const res = await ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'tag:skyport-cluster', Values: [cluster] }] }));
    const out = new Map<string, { state: string; publicIp?: string }>();
    for (const r of res.Reservations ?? []) for (const i of r.Instances ?? []) out.set(i.InstanceId!, { state: i.State!.Name!, publicIp: i.PublicIpAddress });
    return out;
  }

  async function request(kind: RequestKind): Promise<string> {
    const id = randomUUID();
    await f.ds.query(`INSERT INTO requests (id, kind, status, cluster_name, owner, body_hash, payload) VALUES ($1, $2, 'PENDING', $3, 'tester', 'h', '{}')`, [id, kind, cluster]);
    return id;
  }

  const clusterRow = async () =>
    (await f.ds.query(`SELECT status, status_reason, stopped_at, stopped_seconds FROM clusters WHERE name = $1`, [cluster]))[0] as {
      status: string;
      stopped_at: Date | null;
      stopped_seconds: number;
    };
  const requestStatus = async (id: string) => (await f.ds.query(`SELECT status FROM requests WHERE id = $1`, [id]))[0].status as string;

  before(async () => {
    f = await startCloudFixture('cluster_power');
    const vms = await f.launcher.launch({ clusterName: cluster, numNodes: 2, candidate: { candidateId: `aws/${region}/m5.large`, provider: 'aws', region, instanceType: 'm5.large', useSpot: false } });
    f.track(vms.map((v) => v.instanceId));
    await f.ds.query(`INSERT INTO clusters (name, phase, infra, num_nodes, last_activity_at) VALUES ($1, 'UP', $2, 2, now())`, [cluster, `aws/${region}`]);
    const bridge = new CloudBridge(f.launcher, undefined, f.ds);
    power = new ClusterPowerService({ db: f.ds, logger: quiet, cloud: bridge, exec: { enqueue: async (_q, p) => handedToExec.push(p) } });
    ec2 = new EC2Client({ region, endpoint: testAwsEndpoint(), credentials: { accessKeyId: 'skyport-test', secretAccessKey: 'skyport-test' } });
  });
  after(async () => {
    ec2?.destroy();
    if (f) await f.launcher.teardown(cluster, [], { waitMs: 2_000 }).catch(() => undefined);
    await f?.close();
  });

  test('stop: the VMs are stopped in moto (not terminated), the cluster STOPPED; its running job FAILED, its queued one CANCELLED', async () => {
    const [running, queued] = [await request(RequestKind.Exec), await request(RequestKind.Exec)];
    await f.ds.query(`UPDATE requests SET status = 'RUNNING' WHERE id = $1`, [running]);
    await f.ds.query(`INSERT INTO jobs (cluster_name, job_id, status, task, request_id) VALUES ($1, 1, 'RUNNING', '{}', $2), ($1, 2, 'PENDING', '{}', $3), ($1, 3, 'SUCCEEDED', '{}', NULL)`, [cluster, running, queued]);
    const requestId = await request(RequestKind.Stop);
    await power.handle({ clusterName: cluster, requestId, action: 'stop', reason: 'user' });
    const moto = await inMoto();
    assert.equal(moto.size, 2);
    assert.deepEqual([...moto.values()].map((i) => i.state), ['stopped', 'stopped']);
    const row = await clusterRow();
    assert.equal(row.status, ClusterStatus.Stopped);
    assert.ok(row.stopped_at, 'the stopped interval is recorded for the cost report');
    assert.equal(await requestStatus(requestId), RequestStatus.Succeeded);
    const jobs = await f.ds.query(`SELECT job_id, status FROM jobs WHERE cluster_name = $1 ORDER BY job_id`, [cluster]);
    assert.deepEqual(jobs.map((j: { status: string }) => j.status), [JobStatus.Failed, JobStatus.Cancelled, JobStatus.Succeeded]);
    assert.deepEqual([await requestStatus(running), await requestStatus(queued)], [RequestStatus.Failed, RequestStatus.Cancelled], "each job's request ends with it");
    const rows = await f.ds.getRepository(CloudInstanceEntity).find({ where: { clusterName: cluster } });
    assert.deepEqual(rows.map((r) => r.state), ['stopped', 'stopped']);
    assert.ok(rows.every((r) => r.terminatedAt === null), 'stopped, not terminated');
  });

  test('start (from a launch on the STOPPED cluster): running in moto, the addresses moto reports recorded, SSH checked, UP; the launch job handed to exec', async () => {
    // The addresses known before the stop are stale on EC2 after a start: overwrite them so the re-read shows.
    await f.ds.query(`UPDATE cloud_instances SET public_ip = '203.0.113.1', private_ip = '10.255.255.1' WHERE cluster_name = $1`, [cluster]);
    const requestId = await request(RequestKind.Start);
    const thenExec = { requestId: randomUUID(), clusterName: cluster, jobId: 4 };
    const payload: ClusterPowerPayload = { clusterName: cluster, requestId, action: 'start', reason: 'launch', thenExec };
    await power.handle(payload);
    const moto = await inMoto();
    assert.deepEqual([...moto.values()].map((i) => i.state), ['running', 'running']);
    const rows = await f.ds.getRepository(CloudInstanceEntity).find({ where: { clusterName: cluster } });
    for (const r of rows) {
      assert.equal(r.state, 'running');
      assert.equal(r.publicIp, moto.get(r.instanceId)?.publicIp, 'the address EC2 gives after the start');
      assert.notEqual(r.privateIp, '10.255.255.1');
      assert.equal(r.hostKeyFingerprint, f.sshd.hostKeyFingerprint, 'SSH answered with the key pinned at launch');
    }
    const row = await clusterRow();
    assert.equal(row.status, ClusterStatus.Up);
    assert.equal(row.stopped_at, null);
    assert.equal(await requestStatus(requestId), RequestStatus.Succeeded);
    assert.deepEqual(handedToExec, [thenExec]);
    const nodes = await f.launcher.connect(cluster, { timeoutMs: 5_000 });
    try {
      assert.equal((await nodes[0]!.execCommand(['sh', '-c', 'echo back'])).stdout.trim(), 'back');
    } finally {
      for (const n of nodes) n.close();
    }
  });

  test("autostop's stop (as autodown hands it over: its stop intent makes the row STOPPED) stops the VMs and keeps autostop's reason", async () => {
    const reason = "autostop: idle for 1 minute; stopping the cluster (its VMs stop, their disks are kept; 'skyport start' brings it back)";
    await f.ds.query(`UPDATE clusters SET intent = 'stop', intent_reason = $2 WHERE name = $1`, [cluster, reason]);
    const requestId = await request(RequestKind.Stop);
    await power.handle({ clusterName: cluster, requestId, action: 'stop', reason: 'autostop' });
    assert.deepEqual([...(await inMoto()).values()].map((i) => i.state), ['stopped', 'stopped']);
    const row = (await f.ds.query(`SELECT phase, status, status_reason FROM clusters WHERE name = $1`, [cluster]))[0];
    assert.deepEqual(row, { phase: ClusterStatus.Stopped, status: ClusterStatus.Stopped, status_reason: reason });
    assert.equal(await requestStatus(requestId), RequestStatus.Succeeded);
  });

  test('down of a STOPPED cluster terminates its VMs; a start afterwards is cancelled, not retried', async () => {
    const teardown = new TeardownService({ db: f.ds, kube: { contexts: () => [] } as never, logger: quiet, cloud: new CloudBridge(f.launcher, undefined, f.ds) });
    const downId = await request(RequestKind.Down);
    await teardown.teardown({ clusterName: cluster, requestId: downId, reason: 'user' });
    assert.deepEqual([...(await inMoto()).values()].map((i) => i.state), ['terminated', 'terminated']);
    assert.equal((await clusterRow()).status, ClusterStatus.Terminated);
    assert.equal((await f.launcher.instances(cluster)).length, 0);
    const startId = await request(RequestKind.Start);
    await power.handle({ clusterName: cluster, requestId: startId, action: 'start', reason: 'user' });
    assert.equal(await requestStatus(startId), RequestStatus.Cancelled);
  });
});
