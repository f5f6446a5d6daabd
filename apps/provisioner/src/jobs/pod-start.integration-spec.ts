import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { ClusterStatus, JobStatus, NODE_CONTAINER } from '@skyport/contracts';
import { clusterPodName, execCommand, type KubeClientProvider } from '@skyport/kube';
import { testKubeTarget } from '@skyport/kube/testing';
import { ClusterEntity, JobEntity } from '@skyport/persistence';
import { createLogger } from '@skyport/service-kit';
import { parseTaskYaml } from '@skyport/task-spec';
import { TeardownService } from '../teardown/teardown.service';
import { ProvisionService } from '../provision/provision.service';
import { ClusterJobDriver, type LaunchedPods } from './job-driver';
import { kubernetesCandidate, startProvisionerTestBed, type ProvisionerTestBed } from '../testing/provisioner-test-bed';

const target = testKubeTarget();
const hasDb = Boolean(process.env.SKYPORT_TEST_DATABASE_URL);
const SETTINGS = { waitSliceSeconds: 5, killGraceSeconds: 1, execTimeoutMs: 30_000 };

// SKYPORT_JOB_START=pod on the local control plane: the KWOK harness runs the pods' command as a real process
// (test/cluster/README.md), so the launch's job starts in the pods and the driver follows their container logs.
describe('in-pod job start (SKYPORT_JOB_START=pod; Postgres + local control plane)', { skip: target && hasDb ? false : 'needs the local stack (npm test)' }, () => {
  let bed: ProvisionerTestBed;
  let ds: DataSource;
  let kube: KubeClientProvider;
  let provision: ProvisionService;
  let teardown: TeardownService;
  const logger = createLogger('provisioner-test', 'silent');
  const launched = new Map<string, LaunchedPods>();
  const clusters: string[] = [];

  before(async () => {
    bed = await startProvisionerTestBed('podstart', target!);
    ({ ds, kube } = bed);
    provision = new ProvisionService({
      db: ds,
      kube,
      capacity: bed.capacity,
      config: { kubernetes: { namespace: bed.ns.name, provision_timeout: 30 } },
      logger,
      jobStart: 'pod',
      onClusterUp: (name, pods) => pods && launched.set(name, pods),
    });
    teardown = new TeardownService({ db: ds, kube, logger });
  });

  after(async () => {
    for (const c of clusters) await teardown?.teardown({ clusterName: c, reason: 'user' }).catch(() => undefined);
    await bed?.stop();
  });

  /** `skyport launch -c <cluster>` of the task, provisioned; its driver is handed the launch's pods as in the service. */
  async function launch(cluster: string, yaml: string, startedInPod = true): Promise<ClusterJobDriver> {
    if (!clusters.includes(cluster)) clusters.push(cluster);
    const task = parseTaskYaml(yaml).tasks[0]!;
    const requestId = randomUUID();
    const planId = randomUUID();
    const numNodes = task.numNodes ?? 1;
    await ds.query(`INSERT INTO clusters (name, phase) VALUES ($1, 'INIT') ON CONFLICT (name) DO UPDATE SET phase = 'INIT'`, [cluster]);
    await ds.query(`INSERT INTO requests (id, kind, status, cluster_name, job_id, body_hash, payload, owner) VALUES ($1, 'launch', 'RUNNING', $2, 1, 'h', $3, 'alice')`, [requestId, cluster, JSON.stringify({ task })]);
    await ds.query(`INSERT INTO jobs (cluster_name, job_id, status, request_id, task) VALUES ($1, 1, 'PENDING', $2, $3)`, [cluster, requestId, JSON.stringify(task)]);
    await ds.query(`INSERT INTO plans (id, request_id, cluster_name, plan, chosen_index) VALUES ($1, $2, $3, $4, 0)`, [
      planId,
      requestId,
      cluster,
      JSON.stringify({ planId, numNodes, candidates: [kubernetesCandidate(target!.context)], chosenIndex: 0 }),
    ]);
    await provision.provision({ requestId, clusterName: cluster, planId });
    assert.equal((await ds.manager.findOneByOrFail(ClusterEntity, { name: cluster })).status, ClusterStatus.Up);
    const driver = new ClusterJobDriver(cluster, { db: ds, kube, logger, settings: SETTINGS });
    const pods = launched.get(cluster);
    if (startedInPod) assert.ok(pods?.nodes.every((n) => n.startJob === '1'), 'the pods were built to start job 1');
    else assert.ok(pods?.nodes.every((n) => n.startJob === undefined), 'pods of an earlier launch are not taken to have started this job');
    driver.offerLaunchedPods(pods!);
    return driver;
  }

  const job = (cluster: string) => ds.manager.findOneByOrFail(JobEntity, { clusterName: cluster, jobId: 1 });
  const onPod = async (cluster: string, rank: number, command: string) =>
    (await execCommand({ clients: kube.forContext(target!.context), namespace: bed.ns.name, pod: clusterPodName(cluster, rank), container: NODE_CONTAINER }, ['sh', '-c', command])).stdout;
  const containerLog = async (cluster: string) =>
    (await kube.forContext(target!.context).core.readNamespacedPodLog({ name: clusterPodName(cluster, 0), namespace: bed.ns.name, container: NODE_CONTAINER })) as unknown as string;

  test('a 2-node job with setup runs in the pods, each node with its rank and every IP, setup before run everywhere', async () => {
    const driver = await launch('ps1', 'num_nodes: 2\nsetup: echo "setup $SKYPILOT_SETUP_NODE_RANK"\nrun: |\n  echo "rank $SKYPILOT_NODE_RANK of $SKYPILOT_NUM_NODES: $(echo $SKYPILOT_NODE_IPS)"\n');
    const t0 = Date.now();
    await driver.run(() => false);
    console.log(`# 2-node job with setup, in the pods: UP → SUCCEEDED ${Date.now() - t0} ms`);
    assert.equal((await job('ps1')).status, JobStatus.Succeeded);
    const ips = (await onPod('ps1', 0, 'cat .skyport/jobs/1/run.log')).trim();
    assert.match(ips, /^rank 0 of 2: \S+ \S+$/);
    assert.match(await onPod('ps1', 1, 'cat .skyport/jobs/1/setup.log .skyport/jobs/1/run.log'), /^setup 1\nrank 1 of 2: /);
    assert.match(await containerLog('ps1'), /skyport-job 1 setup exit 0\n.*skyport-job 1 run started/s, 'the pod started the job itself');
  });

  test('a failed setup ends the job FAILED_SETUP and run never starts', async () => {
    const driver = await launch('ps2', 'num_nodes: 2\nsetup: |\n  [ "$SKYPILOT_NODE_RANK" = 1 ] && exit 3\n  true\nrun: echo ran\n');
    await driver.run(() => false);
    const row = await job('ps2');
    assert.equal(row.status, JobStatus.FailedSetup);
    assert.equal((await onPod('ps2', 0, 'ls .skyport/jobs/1/')).includes('run.lock'), false);
  });

  test('cancel stops a job the pod started: CANCELLED, its process gone', async () => {
    const driver = await launch('ps3', 'run: |\n  echo $$ > ~/job.pid\n  sleep 300\n');
    const running = driver.run(() => false);
    for (let i = 0; i < 100 && (await job('ps3')).status !== JobStatus.Running; i++) await new Promise((r) => setTimeout(r, 100));
    assert.equal((await job('ps3')).status, JobStatus.Running);
    await ds.query(`INSERT INTO job_cancel_requests (cluster_name, job_id) VALUES ('ps3', 1) ON CONFLICT DO NOTHING`);
    driver.cancel(1);
    await running;
    assert.equal((await job('ps3')).status, JobStatus.Cancelled);
    // A zombie (its parent not reaping yet) is gone too: only a live process counts.
    assert.equal((await onPod('ps3', 0, 'p=$(cat ~/job.pid); if kill -0 "$p" 2>/dev/null && ! grep -q "^State:[[:space:]]*Z" "/proc/$p/status" 2>/dev/null; then echo alive; else echo gone; fi')).trim(), 'gone');
  });

  test("a pod left by an earlier launch under the name is adopted, but its log is not taken for the new job's (job ids restart at 1)", async () => {
    await (await launch('ps4', 'run: exit 0\n')).run(() => false);
    assert.equal((await job('ps4')).status, JobStatus.Succeeded);
    // That cluster ended but its pod was left behind (a teardown that never ran); the name is launched again.
    await ds.query(`DELETE FROM jobs WHERE cluster_name = 'ps4'`);
    await ds.query(`UPDATE clusters SET phase = 'TERMINATED' WHERE name = 'ps4'`);
    await (await launch('ps4', 'run: exit 7\n', false)).run(() => false);
    const row = await job('ps4');
    assert.equal(row.status, JobStatus.Failed, 'the new job ran (by exec) instead of inheriting the old exit 0');
    assert.deepEqual(row.exitCodes, [7]);
  });
});
