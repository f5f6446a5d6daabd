import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { AwsProvider, generateSshKey, motoProviderOptions } from '@skyport/cloud-aws';
import { ClusterStatus, type OptimizerRpc } from '@skyport/contracts';
import { createTestDatabase } from '@skyport/dev-stack';
import { AttemptEntity, ClusterEntity, EventEntity, createDataSource, runMigrations } from '@skyport/persistence';
import { startTestSshd, type TestSshd } from '@skyport/ssh';
import type { DataSource } from 'typeorm';
import { CloudLauncher } from './cloud-launcher';
import { CloudProvisionStep } from './cloud-provision.step';

function candidate(provider: string, region: string, type: string, extra: Partial<OptimizerRpc.Candidate> = {}): OptimizerRpc.Candidate {
  return {
    candidateId: provider === 'kubernetes' ? `kubernetes/${region}` : `${provider}/${region}/${type}`,
    provider,
    region,
    zone: '',
    instanceType: type,
    vcpus: 96,
    memoryGb: 1152,
    acceleratorName: 'A100',
    acceleratorCount: 8,
    hourlyPrice: 0,
    totalHourlyPrice: 0,
    useSpot: false,
    feasible: true,
    reason: '',
    namespace: '',
    ...extra,
  };
}

// Attempts, cluster state and events of a cloud launch step: real Postgres, moto, a local sshd for the VMs.
describe('CloudProvisionStep', () => {
  const key = generateSshKey('skyport-test');
  const suffix = randomBytes(3).toString('hex');
  let db: { url: string; drop: () => Promise<void> };
  let ds: DataSource;
  let sshd: TestSshd;
  let aws: AwsProvider;
  let launcher: CloudLauncher;
  let step: CloudProvisionStep;
  const onprem = candidate('kubernetes', 'ctx-onprem', '8CPU--64GB--A100:8', { feasible: false, reason: 'ctx-onprem: Insufficient nvidia.com/gpu (0/8 free)' });
  const p4d = candidate('aws', 'us-east-1', 'p4d.24xlarge');
  const bogus = candidate('aws', 'us-east-1', 'zz9.nothing');
  const west = candidate('aws', 'us-west-2', 'p4d.24xlarge');

  before(async () => {
    db = await createTestDatabase('cloud_step');
    await runMigrations(db.url);
    ds = await createDataSource(db.url).initialize();
    sshd = await startTestSshd([key.publicKey]);
    aws = new AwsProvider(motoProviderOptions({ sshUser: sshd.username }), key);
    launcher = new CloudLauncher({ db: ds, aws, sshTimeoutMs: 5_000, sshRetryIntervalMs: 200, sshOverride: { host: sshd.host, port: sshd.port } });
    step = new CloudProvisionStep(ds, launcher);
  });
  after(async () => {
    aws?.close();
    await ds?.destroy();
    await sshd?.stop();
    await db?.drop();
  });

  test('success: attempt succeeded, cluster UP on aws/us-east-1 with the summary, events for the user', async () => {
    const cluster = `step-ok-${suffix}`;
    const requestId = randomUUID();
    await ds.getRepository(ClusterEntity).insert({ name: cluster, status: ClusterStatus.Init, requestId });
    const blocked = [{ candidateId: 'kubernetes/ctx-gke', reason: 'ctx-gke: quota' }];
    const res = await step.run({ requestId, clusterName: cluster, candidate: p4d, candidates: [p4d, onprem], blocked, numNodes: 1, ports: [{ from: 8888, to: 8888 }] });
    assert.equal(res.kind, 'up');
    const summary = 'ctx-gke: quota; ctx-onprem: Insufficient nvidia.com/gpu (0/8 free); chose aws/us-east-1 p4d.24xlarge';
    assert.equal(res.kind === 'up' && res.summary, summary);
    const row = await ds.getRepository(ClusterEntity).findOneByOrFail({ name: cluster });
    assert.deepEqual([row.status, row.infra, row.instanceType, row.numNodes, row.statusReason], [ClusterStatus.Up, 'aws/us-east-1', 'p4d.24xlarge', 1, summary]);
    const attempts = await ds.getRepository(AttemptEntity).find({ where: { clusterName: cluster } });
    assert.deepEqual(attempts.map((a) => [a.candidateId, a.outcome]), [['aws/us-east-1/p4d.24xlarge', 'succeeded']]);
    const events = await ds.getRepository(EventEntity).find({ where: { clusterName: cluster }, order: { id: 'ASC' } });
    assert.deepEqual(events.map((e) => e.type), ['attempt.started', 'cluster.up']);
    assert.match(events[1]!.message, /ctx-onprem: Insufficient nvidia\.com\/gpu \(0\/8 free\); chose aws\/us-east-1 p4d\.24xlarge$/);
    await launcher.teardown(cluster, [], { waitMs: 2_000 });
    if (res.kind === 'up') for (const v of res.vms) await rm(join(homedir(), '.skyport-test-vms', v.instanceId), { recursive: true, force: true });
  });

  test('failure: the attempt is failed with AWS\'s reason and the blocked list grows for the re-plan', async () => {
    const cluster = `step-bad-${suffix}`;
    const requestId = randomUUID();
    await ds.getRepository(ClusterEntity).insert({ name: cluster, status: ClusterStatus.Init, requestId });
    const res = await step.run({ requestId, clusterName: cluster, candidate: bogus, candidates: [bogus, west], blocked: [{ candidateId: 'kubernetes/a', reason: 'a: Insufficient cpu' }], numNodes: 1 });
    assert.equal(res.kind, 'blocked');
    if (res.kind !== 'blocked') return;
    assert.deepEqual(res.blocked.map((b) => b.candidateId), ['kubernetes/a', 'aws/us-east-1/zz9.nothing']);
    assert.match(res.reason, /AWS does not support zz9\.nothing in us-east-1/);
    const [attempt] = await ds.getRepository(AttemptEntity).find({ where: { clusterName: cluster } });
    assert.equal(attempt!.outcome, 'failed');
    assert.equal(attempt!.reason, res.reason);
    const failed = await ds.getRepository(EventEntity).findOneByOrFail({ clusterName: cluster, type: 'attempt.failed' });
    assert.match(failed.message, /^aws\/us-east-1\/zz9\.nothing: AWS does not support/);
    assert.equal((await aws.describe(cluster, 'us-east-1')).length, 0);
  });
});
