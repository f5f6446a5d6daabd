import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { AwsProvider, generateSshKey, motoProviderOptions } from '@skyport/cloud-aws';
import { ClusterStatus, JobStatus, RequestKind, RequestStatus, phaseFile } from '@skyport/contracts';
import { createTestDatabase } from '@skyport/dev-stack';
import type { KubeClientProvider } from '@skyport/kube';
import { ClusterEntity, EventEntity, JobEntity, RequestEntity, createDataSource, runMigrations } from '@skyport/persistence';
import { createLogger } from '@skyport/service-kit';
import { startTestSshd, type TestSshd } from '@skyport/ssh';
import type { DataSource } from 'typeorm';
import { ClusterJobDriver } from '../jobs/job-driver';
import { CloudLauncher, cloudInfra } from './cloud-launcher';
import { CloudNodes } from './cloud-nodes.service';

// The provisioner's job driver (the same one that runs jobs in pods) running a launch's setup and run on two
// cloud VMs: moto for EC2, a local sshd for the machines, real Postgres for the state.
describe('job driver on a cloud cluster', () => {
  const key = generateSshKey('skyport-test');
  const cluster = `cjd-${randomBytes(3).toString('hex')}`;
  let db: { url: string; drop: () => Promise<void> };
  let ds: DataSource;
  let sshd: TestSshd;
  let aws: AwsProvider;
  let launcher: CloudLauncher;
  let cloudNodes: CloudNodes;
  const instanceIds: string[] = [];

  before(async () => {
    db = await createTestDatabase('cloud_job_driver');
    await runMigrations(db.url);
    ds = await createDataSource(db.url).initialize();
    sshd = await startTestSshd([key.publicKey]);
    aws = new AwsProvider(motoProviderOptions({ sshUser: sshd.username }), key);
    launcher = new CloudLauncher({ db: ds, aws, sshTimeoutMs: 5_000, sshRetryIntervalMs: 200, sshOverride: { host: sshd.host, port: sshd.port } });
    cloudNodes = new CloudNodes(launcher);
  });
  after(async () => {
    await cloudNodes?.release(cluster);
    if (launcher) await launcher.teardown(cluster, [], { waitMs: 2_000 });
    for (const id of instanceIds) await rm(join(homedir(), '.skyport-test-vms', id), { recursive: true, force: true });
    aws?.close();
    await ds?.destroy();
    await sshd?.stop();
    await db?.drop();
  });

  test('setup and run on every VM with SkyPilot env; the job and request succeed', async () => {
    const vms = await launcher.launch({ clusterName: cluster, numNodes: 2, candidate: { candidateId: 'aws/us-east-1/m5.large', provider: 'aws', region: 'us-east-1', instanceType: 'm5.large', useSpot: false } });
    instanceIds.push(...vms.map((v) => v.instanceId));
    const requestId = randomUUID();
    const task = { setup: 'echo "setup on $SKYPILOT_NODE_RANK"', run: 'echo "rank $SKYPILOT_NODE_RANK of $SKYPILOT_NUM_NODES, ips: $(echo "$SKYPILOT_NODE_IPS" | wc -l)"' };
    await ds.getRepository(ClusterEntity).insert({ name: cluster, status: ClusterStatus.Up, infra: cloudInfra('aws', 'us-east-1'), instanceType: 'm5.large', numNodes: 2, requestId });
    await ds.getRepository(RequestEntity).insert({ id: requestId, kind: RequestKind.Launch, status: RequestStatus.Running, clusterName: cluster, jobId: 1, owner: 'anonymous', bodyHash: 'x', payload: { task } });
    await ds.getRepository(JobEntity).insert({ clusterName: cluster, jobId: 1, status: JobStatus.Pending, requestId, task });

    const driver = new ClusterJobDriver(cluster, {
      db: ds,
      kube: undefined as unknown as KubeClientProvider, // a cloud cluster never reaches the Kubernetes path
      logger: createLogger('test', 'silent'),
      settings: { waitSliceSeconds: 5, killGraceSeconds: 2, execTimeoutMs: 30_000 },
      cloudNodes: cloudNodes.nodesOf,
    });
    await driver.run(() => false);

    const job = await ds.getRepository(JobEntity).findOneByOrFail({ clusterName: cluster, jobId: 1 });
    assert.equal(job.status, JobStatus.Succeeded);
    assert.deepEqual(job.exitCodes, [0, 0]);
    assert.equal((await ds.getRepository(RequestEntity).findOneByOrFail({ id: requestId })).status, RequestStatus.Succeeded);
    const nodes = (await cloudNodes.nodesOf({ name: cluster, infra: 'aws/us-east-1' }))!;
    for (const n of nodes) {
      assert.equal((await n.exec(['cat', phaseFile(1, 'setup', 'log')], {})).stdout, `setup on ${n.rank}\n`);
      assert.equal((await n.exec(['cat', phaseFile(1, 'run', 'log')], {})).stdout, `rank ${n.rank} of 2, ips: 2\n`);
    }
    const events = await ds.getRepository(EventEntity).find({ where: { clusterName: cluster }, order: { id: 'ASC' } });
    assert.ok(events.some((e) => e.type === 'job.succeeded'));
  });
});
