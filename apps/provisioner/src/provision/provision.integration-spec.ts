import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { ClusterStatus, JobStatus, RequestStatus } from '@skyport/contracts';
import { execCommand, listClusterObjects, type KubeClientProvider } from '@skyport/kube';
import { testKubeTarget } from '@skyport/kube/testing';
import { AttemptEntity, ClusterEntity, EventEntity, JobEntity, RequestEntity, storeRequestSecrets } from '@skyport/persistence';
import { createLogger } from '@skyport/service-kit';
import { parseTaskYaml } from '@skyport/task-spec';
import { CapacityService } from '../capacity/capacity.service';
import { buildSecret } from '../pods/cluster-objects.builder';
import { TeardownService } from '../teardown/teardown.service';
import { ProvisionService } from './provision.service';
import { ClusterJobDriver, type LaunchedPods } from '../jobs/job-driver';
import { LaunchWatches } from '../launch/launch-watches';
import type { PlanCandidate } from './cluster-spec.factory';
import { startProvisionerTestBed, type ProvisionerTestBed } from '../testing/provisioner-test-bed';

const target = testKubeTarget();
const hasDb = Boolean(process.env.SKYPORT_TEST_DATABASE_URL);
// Secrets are sealed by the api and opened here with the same key (this process plays the provisioner).
const TEST_SECRETS_KEY = randomBytes(32);
process.env.SKYPORT_SECRETS_KEY = TEST_SECRETS_KEY.toString('base64');

describe('provision and teardown consumers (Postgres + local control plane)', { skip: target && hasDb ? false : 'needs the local stack (npm test)' }, () => {
  let bed: ProvisionerTestBed;
  let ds: DataSource;
  let kube: KubeClientProvider;
  let capacity: CapacityService;
  let ns: { name: string; drop: () => Promise<void> };
  let provision: ProvisionService;
  let teardown: TeardownService;
  const logger = createLogger('provisioner-test', 'silent');

  before(async () => {
    bed = await startProvisionerTestBed('provision', target!);
    ({ ds, kube, capacity, ns } = bed);
    const config = { kubernetes: { namespace: ns.name, provision_timeout: 8 } };
    provision = new ProvisionService({ db: ds, kube, capacity, config, logger });
    teardown = new TeardownService({ db: ds, kube, logger });
  });

  after(async () => {
    await bed?.stop();
  });

  const kubeCandidate = (instanceType: string, extra: Partial<PlanCandidate> = {}): PlanCandidate => ({
    candidateId: `kubernetes/${target!.context}`,
    provider: 'kubernetes',
    region: target!.context,
    zone: '',
    instanceType,
    acceleratorName: '',
    acceleratorCount: 0,
    useSpot: false,
    feasible: true,
    reason: '',
    namespace: '',
    ...extra,
  });

  async function seed(clusterName: string, yaml: string, candidates: PlanCandidate[], secrets?: Record<string, string>): Promise<{ requestId: string; planId: string }> {
    const task = parseTaskYaml(yaml).tasks[0]!;
    const requestId = randomUUID();
    const planId = randomUUID();
    await ds.query(`INSERT INTO clusters (name, phase) VALUES ($1, 'INIT') ON CONFLICT (name) DO UPDATE SET phase = 'INIT'`, [clusterName]);
    await ds.query(`INSERT INTO requests (id, kind, status, cluster_name, job_id, body_hash, payload, owner) VALUES ($1, 'launch', 'RUNNING', $2, 1, 'h', $3, 'alice')`, [
      requestId,
      clusterName,
      JSON.stringify({ task }),
    ]);
    if (secrets) await storeRequestSecrets(ds.manager, TEST_SECRETS_KEY, requestId, secrets);
    await ds.query(`INSERT INTO jobs (cluster_name, job_id, status, request_id, task) VALUES ($1, (SELECT COALESCE(MAX(job_id), 0) + 1 FROM jobs WHERE cluster_name = $1), 'PENDING', $2, $3)`, [
      clusterName,
      requestId,
      JSON.stringify(task),
    ]);
    await ds.query(`INSERT INTO plans (id, request_id, cluster_name, plan, chosen_index) VALUES ($1, $2, $3, $4, 0)`, [
      planId,
      requestId,
      clusterName,
      JSON.stringify({ planId, numNodes: task.numNodes, candidates, chosenIndex: 0 }),
    ]);
    return { requestId, planId };
  }

  test('a CPU launch: cluster UP with its placement, workdir copied, events recorded; teardown leaves zero objects', async () => {
    // The workdir as the api holds it after the CLI uploaded it: a chunk and a manifest in the blob store.
    const content = Buffer.from('print(1)\n');
    const digest = createHash('sha256').update(content).digest('hex');
    const manifest = { version: 1, kind: 'dir', entries: [{ path: 'train.py', type: 'file', mode: 0o640, size: content.length, sha256: digest, chunks: [digest] }] };
    const manifestDigest = createHash('sha256').update(JSON.stringify(manifest)).digest('hex');
    await ds.query(`INSERT INTO blobs (digest, size, data) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, [digest, content.length, content]);
    await ds.query(`INSERT INTO blob_manifests (scope, digest, body, chunks, total_bytes) VALUES ('team:t', $1, $2, $3, $4) ON CONFLICT DO NOTHING`, [
      manifestDigest,
      JSON.stringify(manifest),
      [digest],
      content.length,
    ]);
    const { requestId, planId } = await seed('svc1', `name: hello\nworkdir: skyport-blob://${manifestDigest}\nresources:\n  cpus: 1\n  memory: 1\nrun: echo hi\n`, [kubeCandidate('1CPU--1GB')], { TOKEN: 'xyz' });
    const t0 = Date.now();
    await provision.provision({ requestId, clusterName: 'svc1', planId });
    const ms = Date.now() - t0;
    const cluster = await ds.manager.findOneByOrFail(ClusterEntity, { name: 'svc1' });
    assert.equal(cluster.status, ClusterStatus.Up);
    assert.equal(cluster.infra, `kubernetes/${target!.context}`);
    assert.equal(cluster.namespace, ns.name);
    const attempts = await ds.manager.findBy(AttemptEntity, { requestId });
    assert.deepEqual(attempts.map((a) => a.outcome), ['succeeded']);
    const events = (await ds.manager.find(EventEntity, { where: { clusterName: 'svc1' }, order: { id: 'ASC' } })).map((e) => e.type);
    assert.deepEqual(events, ['cluster.provisioning', 'provision.attempt', 'cluster.up']);
    const clients = kube.forContext(target!.context);
    const r = await execCommand({ clients, namespace: ns.name, pod: 'svc1-head', container: 'skyport' }, ['sh', '-c', 'cat "$HOME/sky_workdir/train.py"; stat -c %a "$HOME/sky_workdir/train.py"']);
    assert.equal(r.stdout, 'print(1)\n640\n');
    const secret = await clients.core.readNamespacedSecret({ name: 'svc1-secrets', namespace: ns.name });
    assert.equal(Buffer.from(secret.data?.TOKEN ?? '', 'base64').toString(), 'xyz');
    assert.ok(!JSON.stringify(await ds.query('SELECT * FROM request_secrets')).includes('xyz'), 'sealed at rest');
    // Redelivery after success changes nothing.
    await provision.provision({ requestId, clusterName: 'svc1', planId });
    assert.equal((await ds.manager.findBy(AttemptEntity, { requestId })).length, 1);

    await teardown.teardown({ clusterName: 'svc1', requestId, reason: 'user' });
    assert.equal((await ds.manager.findOneByOrFail(ClusterEntity, { name: 'svc1' })).status, ClusterStatus.Terminated);
    assert.deepEqual(await listClusterObjects(clients, ns.name, 'svc1'), { pod: [], service: [], ingress: [], secret: [], persistentvolumeclaim: [], configmap: [] });
    assert.deepEqual(await ds.query('SELECT request_id FROM request_secrets WHERE request_id = $1', [requestId]), [], 'the secrets went with the cluster');
    await teardown.teardown({ clusterName: 'svc1', requestId, reason: 'user' });
    console.log(`# provision (launch + workdir sync) took ${ms} ms`);
  });

  test('failover: an unschedulable candidate is recorded as a failed attempt and the next candidate is tried', async () => {
    const big = kubeCandidate('512CPU--1GB', { candidateId: `kubernetes/${target!.context}#big` });
    const small = kubeCandidate('1CPU--1GB');
    const { requestId, planId } = await seed('svc2', 'resources:\n  cpus: 1\nrun: echo hi\n', [big, small]);
    const t0 = Date.now();
    await provision.provision({ requestId, clusterName: 'svc2', planId });
    // "Insufficient cpu" on a context without an autoscaler is definite: no waiting out the 8 s timeout.
    const ms = Date.now() - t0;
    assert.ok(ms < 8_000, `failover took ${ms} ms`);
    console.log(`# failover from an unschedulable candidate to the next one took ${ms} ms (provision_timeout 8 s)`);
    const attempts = await ds.manager.find(AttemptEntity, { where: { requestId }, order: { id: 'ASC' } });
    assert.deepEqual(attempts.map((a) => [a.candidateId, a.outcome]), [
      [big.candidateId, 'failed'],
      [small.candidateId, 'succeeded'],
    ]);
    assert.match(attempts[0]!.reason ?? '', /too little free CPU/);
    assert.equal((await ds.manager.findOneByOrFail(ClusterEntity, { name: 'svc2' })).status, ClusterStatus.Up);
    await teardown.teardown({ clusterName: 'svc2', reason: 'user' });
  });

  test('nothing fits: cluster and request FAILED with the reason, the job failed, no objects left', async () => {
    const { requestId, planId } = await seed('svc3', 'resources:\n  cpus: 512\nrun: echo hi\n', [kubeCandidate('512CPU--512GB')]);
    await provision.provision({ requestId, clusterName: 'svc3', planId });
    const cluster = await ds.manager.findOneByOrFail(ClusterEntity, { name: 'svc3' });
    assert.equal(cluster.status, ClusterStatus.Failed);
    assert.match(cluster.statusReason ?? '', /too little free CPU for 512 CPUs/);
    const request = await ds.manager.findOneByOrFail(RequestEntity, { id: requestId });
    assert.equal(request.status, RequestStatus.Failed);
    assert.equal(request.errorCode, 'UNSCHEDULABLE');
    const job = await ds.manager.findOneByOrFail(JobEntity, { requestId });
    assert.equal(job.status, JobStatus.Failed);
    assert.deepEqual((await listClusterObjects(kube.forContext(target!.context), ns.name, 'svc3')).pod, []);
    // A leftover of a cut-short rollback (the cluster was never placed) is swept by the failed-launch teardown.
    const clients = kube.forContext(target!.context);
    await clients.core.createNamespacedSecret({ namespace: ns.name, body: buildSecret({ clusterName: 'svc3', namespace: ns.name, user: 'alice', labels: {} }, { K: 'v' }) });
    await ds.query(`UPDATE clusters SET namespace = $1 WHERE name = 'svc3'`, [ns.name]);
    await teardown.teardown({ clusterName: 'svc3', requestId, reason: 'failed-launch' });
    assert.deepEqual((await listClusterObjects(clients, ns.name, 'svc3')).secret, []);
    assert.equal((await ds.manager.findOneByOrFail(ClusterEntity, { name: 'svc3' })).status, ClusterStatus.Failed);
  });

  test('redelivery after an interrupted attempt (attempt left running, pods already created) adopts the pods instead of orphaning them', async () => {
    const { requestId, planId } = await seed('svc4', 'resources:\n  cpus: 1\nrun: echo hi\n', [kubeCandidate('1CPU--1GB')]);
    // First delivery: abandoned right after the pods were created (as if the process was killed).
    const clients = kube.forContext(target!.context);
    const first = provision.provision({ requestId, clusterName: 'svc4', planId });
    await first;
    // What a crash after the pods were created leaves behind: an attempt still running, the cluster PROVISIONING.
    await ds.query(`UPDATE attempts SET outcome = 'running', ended_at = NULL WHERE request_id = $1`, [requestId]);
    await ds.query(`UPDATE clusters SET phase = 'PROVISIONING' WHERE name = 'svc4'`);
    await provision.provision({ requestId, clusterName: 'svc4', planId });
    const attempts = await ds.manager.find(AttemptEntity, { where: { requestId }, order: { id: 'ASC' } });
    assert.deepEqual(attempts.map((a) => a.outcome), ['interrupted', 'succeeded']);
    assert.match(attempts[0]!.reason ?? '', /interrupted/);
    const objects = await listClusterObjects(clients, ns.name, 'svc4');
    assert.deepEqual(objects.pod, ['svc4-head']);
    await teardown.teardown({ clusterName: 'svc4', reason: 'user' });
  });

  test('once UP the cluster is handed over in-process with the pods it runs on; the first job runs on them, RUNNING after its start', async () => {
    const watches = new LaunchWatches();
    const handed: Array<{ name: string; pods?: LaunchedPods; status?: string }> = [];
    const config = { kubernetes: { namespace: ns.name, provision_timeout: 8 } };
    const fast = new ProvisionService({
      db: ds,
      kube,
      capacity,
      config,
      logger,
      launchWatches: watches,
      onClusterUp: (name, pods) => handed.push({ name, pods }),
    });
    try {
      // Two launches into one namespace at once share the watch; both come up.
      const a = await seed('svc6', 'num_nodes: 2\nresources:\n  cpus: 1\nrun: echo "on $SKYPILOT_NODE_RANK"\n', [kubeCandidate('1CPU--1GB')]);
      const b = await seed('svc7', 'resources:\n  cpus: 1\nrun: echo b\n', [kubeCandidate('1CPU--1GB')]);
      await Promise.all([fast.provision({ ...a, clusterName: 'svc6' }), fast.provision({ ...b, clusterName: 'svc7' })]);
      assert.deepEqual(handed.map((h) => h.name).sort(), ['svc6', 'svc7']);
      const svc6 = handed.find((h) => h.name === 'svc6')!;
      assert.equal(svc6.pods?.context, target!.context);
      assert.equal(svc6.pods?.namespace, ns.name);
      assert.deepEqual(svc6.pods?.nodes.map((n) => [n.rank, n.pod]), [[0, 'svc6-head'], [1, 'svc6-worker-1']]);
      assert.ok(svc6.pods?.nodes.every((n) => n.ip.length > 0));

      // The runner's driver gets those pods (no list needed) and runs the job on both.
      const driver = new ClusterJobDriver('svc6', { db: ds, kube, logger, settings: { waitSliceSeconds: 5, killGraceSeconds: 2, execTimeoutMs: 30_000 } });
      driver.offerLaunchedPods(svc6.pods!);
      await driver.run(() => false);
      const job = await ds.manager.findOneByOrFail(JobEntity, { requestId: a.requestId });
      assert.equal(job.status, JobStatus.Succeeded);
      const types = (await ds.manager.find(EventEntity, { where: { requestId: a.requestId }, order: { id: 'ASC' } })).map((e) => e.type);
      assert.deepEqual(types.slice(-3), ['cluster.up', 'job.running', 'job.succeeded']);
      const clients = kube.forContext(target!.context);
      for (const [rank, pod] of ['svc6-head', 'svc6-worker-1'].entries()) {
        const out = await execCommand({ clients, namespace: ns.name, pod, container: 'skyport' }, ['cat', `.skyport/jobs/${job.jobId}/run.log`]);
        assert.equal(out.stdout.trim(), `on ${rank}`);
      }
      // Pods of another placement (a relaunch elsewhere since) are not used: the driver lists the cluster's own.
      const stale = new ClusterJobDriver('svc7', { db: ds, kube, logger, settings: { waitSliceSeconds: 5, killGraceSeconds: 2, execTimeoutMs: 30_000 } });
      stale.offerLaunchedPods({ context: target!.context, namespace: 'elsewhere', nodes: [{ rank: 0, pod: 'gone-head', ip: '10.0.0.1' }] });
      await stale.run(() => false);
      assert.equal((await ds.manager.findOneByOrFail(JobEntity, { requestId: b.requestId })).status, JobStatus.Succeeded);
    } finally {
      await watches.dispose();
      await teardown.teardown({ clusterName: 'svc6', reason: 'user' });
      await teardown.teardown({ clusterName: 'svc7', reason: 'user' });
    }
  });

  test('multi-node: the job sees the SkyPilot variables on every node (checked from inside the job)', async () => {
    const run = 'echo "rank=$SKYPILOT_NODE_RANK nodes=$SKYPILOT_NUM_NODES gpus=$SKYPILOT_NUM_GPUS_PER_NODE ips=$(echo "$SKYPILOT_NODE_IPS" | wc -l) first=$(echo "$SKYPILOT_NODE_IPS" | head -1) task=${SKYPILOT_TASK_ID:+set} info=${SKYPILOT_CLUSTER_INFO:+set} greet=$GREETING secret=${TOKEN:+set}"';
    const yaml = `num_nodes: 3\nenvs:\n  GREETING: hello\nresources:\n  cpus: 1\nrun: |\n  ${run}\n`;
    const { requestId, planId } = await seed('svc5', yaml, [kubeCandidate('1CPU--1GB')], { TOKEN: 'abc' });
    await provision.provision({ requestId, clusterName: 'svc5', planId });
    assert.equal((await ds.manager.findOneByOrFail(ClusterEntity, { name: 'svc5' })).status, ClusterStatus.Up);
    const driver = new ClusterJobDriver('svc5', { db: ds, kube, logger, settings: { waitSliceSeconds: 5, killGraceSeconds: 2, execTimeoutMs: 30_000 } });
    await driver.run(() => false);
    const job = await ds.manager.findOneByOrFail(JobEntity, { requestId });
    assert.equal(job.status, JobStatus.Succeeded);
    const clients = kube.forContext(target!.context);
    const pods = ['svc5-head', 'svc5-worker-1', 'svc5-worker-2'];
    const podIps = await Promise.all(pods.map(async (p) => (await clients.core.readNamespacedPod({ name: p, namespace: ns.name })).status?.podIP));
    for (const [rank, pod] of pods.entries()) {
      const out = await execCommand({ clients, namespace: ns.name, pod, container: 'skyport' }, ['cat', `.skyport/jobs/${job.jobId}/run.log`]);
      assert.equal(out.stdout.trim(), `rank=${rank} nodes=3 gpus=0 ips=3 first=${podIps[0]} task=set info=set greet=hello secret=set`);
    }
    await teardown.teardown({ clusterName: 'svc5', reason: 'user' });
  });
});
