import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { ClusterStatus, JobStatus, RequestKind, RequestStatus, phaseFile } from '@skyport/contracts';
import type { KubeClientProvider } from '@skyport/kube';
import { ClusterEntity, EventEntity, JobEntity, RequestEntity } from '@skyport/persistence';
import { createLogger } from '@skyport/service-kit';
import { ClusterJobDriver } from '../jobs/job-driver';
import { cloudInfra } from './cloud-launcher';
import { CloudNodes } from './cloud-nodes.service';
import { startCloudFixture, type CloudFixture } from './testing/cloud-fixture';

// The provisioner's job driver (the same one that runs jobs in pods) running a launch's setup and run on two
// cloud VMs: moto for EC2, a local sshd for the machines, real Postgres for the state.
describe('job driver on a cloud cluster', () => {
  const cluster = `cjd-${randomBytes(3).toString('hex')}`;
  let f: CloudFixture;
  let cloudNodes: CloudNodes;

  before(async () => {
    f = await startCloudFixture('cloud_job_driver');
    cloudNodes = new CloudNodes(f.launcher);
  });
  after(async () => {
    await cloudNodes?.release(cluster);
    if (f) await f.launcher.teardown(cluster, [], { waitMs: 2_000 });
    await f?.close();
  });

  test('setup and run on every VM with SkyPilot env; the job and request succeed', async () => {
    const vms = await f.launcher.launch({ clusterName: cluster, numNodes: 2, candidate: { candidateId: 'aws/us-east-1/m5.large', provider: 'aws', region: 'us-east-1', instanceType: 'm5.large', useSpot: false } });
    f.track(vms.map((v) => v.instanceId));
    const requestId = randomUUID();
    const task = { setup: 'echo "setup on $SKYPILOT_NODE_RANK"', run: 'echo "rank $SKYPILOT_NODE_RANK of $SKYPILOT_NUM_NODES, ips: $(echo "$SKYPILOT_NODE_IPS" | wc -l)"' };
    await f.ds.getRepository(ClusterEntity).insert({ name: cluster, phase: ClusterStatus.Up, infra: cloudInfra('aws', 'us-east-1'), instanceType: 'm5.large', numNodes: 2, requestId });
    await f.ds.getRepository(RequestEntity).insert({ id: requestId, kind: RequestKind.Launch, status: RequestStatus.Running, clusterName: cluster, jobId: 1, owner: 'anonymous', bodyHash: 'x', payload: { task } });
    await f.ds.getRepository(JobEntity).insert({ clusterName: cluster, jobId: 1, status: JobStatus.Pending, requestId, task });

    const driver = new ClusterJobDriver(cluster, {
      db: f.ds,
      kube: undefined as unknown as KubeClientProvider, // a cloud cluster never reaches the Kubernetes path
      logger: createLogger('test', 'silent'),
      settings: { waitSliceSeconds: 5, killGraceSeconds: 2, execTimeoutMs: 30_000 },
      cloudNodes: cloudNodes.nodesOf,
    });
    await driver.run(() => false);

    const job = await f.ds.getRepository(JobEntity).findOneByOrFail({ clusterName: cluster, jobId: 1 });
    assert.equal(job.status, JobStatus.Succeeded);
    assert.deepEqual(job.exitCodes, [0, 0]);
    assert.equal((await f.ds.getRepository(RequestEntity).findOneByOrFail({ id: requestId })).status, RequestStatus.Succeeded);
    const nodes = (await cloudNodes.nodesOf({ name: cluster, infra: 'aws/us-east-1' }))!;
    for (const n of nodes) {
      assert.equal((await n.exec(['cat', phaseFile(1, 'setup', 'log')], {})).stdout, `setup on ${n.rank}\n`);
      assert.equal((await n.exec(['cat', phaseFile(1, 'run', 'log')], {})).stdout, `rank ${n.rank} of 2, ips: 2\n`);
    }
    const events = await f.ds.getRepository(EventEntity).find({ where: { clusterName: cluster }, order: { id: 'ASC' } });
    assert.ok(events.some((e) => e.type === 'job.succeeded'));
  });
});
