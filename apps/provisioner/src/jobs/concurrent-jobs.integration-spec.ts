import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { ClusterStatus, JobStatus, NODE_CONTAINER, type TaskOverrides } from '@skyport/contracts';
import { execCommand, type KubeClientProvider } from '@skyport/kube';
import { testKubeTarget } from '@skyport/kube/testing';
import { ClusterEntity, EventEntity, JobEntity } from '@skyport/persistence';
import { createLogger } from '@skyport/service-kit';
import { applyLaunchInputs, parseTaskYaml } from '@skyport/task-spec';
import { CapacityService } from '../capacity/capacity.service';
import { TeardownService } from '../teardown/teardown.service';
import { ProvisionService } from '../provision/provision.service';
import type { PlanCandidate } from '../provision/cluster-spec.factory';
import { ClusterJobDriver } from './job-driver';
import { kubernetesCandidate, startProvisionerTestBed, type ProvisionerTestBed } from '../testing/provisioner-test-bed';

const target = testKubeTarget();
const hasDb = Boolean(process.env.SKYPORT_TEST_DATABASE_URL);
const SETTINGS = { waitSliceSeconds: 5, killGraceSeconds: 1, execTimeoutMs: 30_000 };

// The job queue on a real cluster: a 4-CPU pod (the local control plane's KWOK node; exec reaches real local
// processes), jobs as `skyport exec --cpus N` leaves them in Postgres, and the provisioner's job driver — two of
// them at once where the test plays two provisioner replicas.
describe('job queue: jobs share a cluster when their resources fit (Postgres + local control plane)', { skip: target && hasDb ? false : 'needs the local stack (npm test)' }, () => {
  let bed: ProvisionerTestBed;
  let ds: DataSource;
  let kube: KubeClientProvider;
  let capacity: CapacityService;
  let ns: { name: string; drop: () => Promise<void> };
  let teardown: TeardownService;
  const logger = createLogger('provisioner-test', 'silent');
  const CLUSTER = 'cq1';

  before(async () => {
    bed = await startProvisionerTestBed('jobqueue', target!);
    ({ ds, kube, capacity, ns } = bed);
    const provision = new ProvisionService({ db: ds, kube, capacity, config: { kubernetes: { namespace: ns.name, provision_timeout: 20 } }, logger });
    teardown = new TeardownService({ db: ds, kube, logger });
    // The cluster `skyport launch -c cq1` leaves: one 4-CPU pod, its launch job done.
    const task = parseTaskYaml('resources:\n  cpus: 4\n  memory: 4\nrun: echo launched\n').tasks[0]!;
    const requestId = randomUUID();
    const planId = randomUUID();
    const candidate: PlanCandidate = kubernetesCandidate(target!.context, '4CPU--4GB');
    await ds.query(`INSERT INTO clusters (name, phase) VALUES ($1, 'INIT')`, [CLUSTER]);
    await ds.query(`INSERT INTO requests (id, kind, status, cluster_name, job_id, body_hash, payload, owner) VALUES ($1, 'launch', 'RUNNING', $2, 1, 'h', $3, 'alice')`, [requestId, CLUSTER, JSON.stringify({ task })]);
    await ds.query(`INSERT INTO jobs (cluster_name, job_id, status, request_id, task) VALUES ($1, 1, 'PENDING', $2, $3)`, [CLUSTER, requestId, JSON.stringify(task)]);
    await ds.query(`INSERT INTO plans (id, request_id, cluster_name, plan, chosen_index) VALUES ($1, $2, $3, $4, 0)`, [planId, requestId, CLUSTER, JSON.stringify({ planId, numNodes: 1, candidates: [candidate], chosenIndex: 0 })]);
    await provision.provision({ requestId, clusterName: CLUSTER, planId });
    assert.equal((await ds.manager.findOneByOrFail(ClusterEntity, { name: CLUSTER })).status, ClusterStatus.Up);
    await driver().run(() => false);
    assert.equal((await ds.manager.findOneByOrFail(JobEntity, { clusterName: CLUSTER, jobId: 1 })).status, JobStatus.Succeeded);
  });

  after(async () => {
    await teardown?.teardown({ clusterName: CLUSTER, reason: 'user' }).catch(() => undefined);
    await bed?.stop();
  });

  const driver = () => new ClusterJobDriver(CLUSTER, { db: ds, kube, logger, settings: SETTINGS });

  /** A job as `skyport exec cq1 '<run>' [--cpus N]` queues it (or `skyport launch -c cq1`): the task after the overrides, PENDING. */
  async function exec(run: string, overrides: TaskOverrides = {}, kind: 'exec' | 'launch' = 'exec', resources = ''): Promise<number> {
    const task = applyLaunchInputs(parseTaskYaml(`${resources}run: |\n  ${run}\n`).tasks[0]!, { overrides });
    const requestId = randomUUID();
    const rows: Array<{ job_id: number }> = await ds.query(
      `INSERT INTO jobs (cluster_name, job_id, status, request_id, task)
       VALUES ($1, (SELECT COALESCE(MAX(job_id), 0) + 1 FROM jobs WHERE cluster_name = $1), 'PENDING', $2, $3) RETURNING job_id`,
      [CLUSTER, requestId, JSON.stringify(task)],
    );
    const jobId = rows[0]!.job_id;
    await ds.query(`INSERT INTO requests (id, kind, status, cluster_name, job_id, body_hash, payload, owner) VALUES ($1, $4, 'PENDING', $2, $3, 'h', '{}', 'alice')`, [requestId, CLUSTER, jobId, kind]);
    return jobId;
  }

  const job = (jobId: number) => ds.manager.findOneByOrFail(JobEntity, { clusterName: CLUSTER, jobId });
  const statuses = async (ids: number[]) => Promise.all(ids.map(async (id) => (await job(id)).status));

  /** Samples the jobs' statuses until every one has ended (or `ms` passed): what ran side by side with what. */
  async function watch(ids: number[], ms: number): Promise<Array<JobStatus[]>> {
    const seen: Array<JobStatus[]> = [];
    const deadline = Date.now() + ms;
    for (;;) {
      const now = await statuses(ids);
      seen.push(now);
      if (now.every((s) => ![JobStatus.Pending, JobStatus.SettingUp, JobStatus.Running].includes(s)) || Date.now() > deadline) return seen;
      await new Promise((r) => setTimeout(r, 150));
    }
  }

  const runLog = async (jobId: number) =>
    (await execCommand({ clients: kube.forContext(target!.context), namespace: ns.name, pod: `${CLUSTER}-head`, container: NODE_CONTAINER }, ['cat', `.skyport/jobs/${jobId}/run.log`])).stdout;
  /** `[start, end]` in ms, as the job's own process wrote them. */
  const window = async (jobId: number): Promise<[number, number]> => {
    const log = await runLog(jobId);
    const at = (word: string) => Number(new RegExp(`${word} (\\d+)`).exec(log)?.[1]) / 1e6;
    return [at('start'), at('end')];
  };
  const timed = (seconds: number) => `echo "start $(date +%s%N)"; sleep ${seconds}; echo "end $(date +%s%N)"`;

  test('two --cpus 2 jobs run at once on 4 CPUs; a third waits (FIFO) until one ends; two driver replicas start each job once', async () => {
    const a = await exec(timed(4), { cpus: '2' });
    const b = await exec(timed(4), { cpus: '2' });
    const c = await exec(timed(1), { cpus: '2' });
    const t0 = Date.now();
    const replicas = [driver(), driver()];
    const runs = replicas.map((d) => d.run(() => false));
    const seen = await watch([a, b, c], 45_000);
    await Promise.all(runs);
    console.log(`# three --cpus 2 jobs on a 4-CPU cluster, two drivers: ${Date.now() - t0} ms`);

    assert.deepEqual(await statuses([a, b, c]), [JobStatus.Succeeded, JobStatus.Succeeded, JobStatus.Succeeded]);
    assert.ok(seen.some(([sa, sb, sc]) => sa === JobStatus.Running && sb === JobStatus.Running && sc === JobStatus.Pending), 'A and B ran together while C waited');
    assert.ok(!seen.some((s) => s.filter((x) => x === JobStatus.Running).length > 2), 'never more than 4 CPUs held');
    // The processes themselves overlapped; C started only after one of them had ended.
    const [wa, wb, wc] = await Promise.all([window(a), window(b), window(c)]);
    assert.ok(wa[0] < wb[1] && wb[0] < wa[1], `A ${wa} and B ${wb} overlap`);
    assert.ok(wc[0] >= Math.min(wa[1], wb[1]), `C ${wc} started after A or B ended`);
    const [ja, jb, jc] = await Promise.all([job(a), job(b), job(c)]);
    assert.ok(jc.scheduledAt! >= new Date(Math.min(ja.endedAt!.getTime(), jb.endedAt!.getTime())), 'C was admitted once A or B had ended');
    // Each job started once and was recorded running once, though two drivers drove it.
    for (const id of [a, b, c]) {
      assert.equal((await runLog(id)).match(/^start /gm)?.length, 1, `job ${id} ran once`);
      assert.equal(await ds.manager.countBy(EventEntity, { clusterName: CLUSTER, jobId: id, type: 'job.running' }), 1);
    }
  });

  test('nothing jumps the queue: a small job waits behind a big one that does not fit yet, then runs beside it', async () => {
    const big1 = await exec(timed(2), { cpus: '3' });
    const big2 = await exec(timed(2), { cpus: '3' });
    // SkyPilot's default for a job that names no resources: 0.5 CPU — it would fit beside big1, but big2 is first.
    const small = await exec(timed(1));
    await driver().run(() => false);
    assert.deepEqual(await statuses([big1, big2, small]), [JobStatus.Succeeded, JobStatus.Succeeded, JobStatus.Succeeded]);
    const [w1, w2, ws] = await Promise.all([window(big1), window(big2), window(small)]);
    assert.ok(w2[0] >= w1[1], 'big2 waited for big1');
    assert.ok(ws[0] >= w1[1], 'small (it would have fit beside big1) waited behind big2 until big1 ended');
    assert.ok(ws[0] < w2[1], 'small ran beside big2 (3 + 0.5 CPUs of 4)');
  });

  test("an exec runs beside a launch's job: as in SkyPilot, the launch's cpus sized the node and it holds 0.5 CPU", async () => {
    const launched = await exec(timed(3), {}, 'launch', 'resources:\n  cpus: 4\n  memory: 4\n');
    const beside = await exec(timed(1), { cpus: '2' });
    await driver().run(() => false);
    assert.deepEqual(await statuses([launched, beside]), [JobStatus.Succeeded, JobStatus.Succeeded]);
    const [wl, wb] = await Promise.all([window(launched), window(beside)]);
    assert.ok(wb[0] < wl[1], `the exec ${wb} started while the launch's job ${wl} ran`);
  });

  test('a job no node can hold ends with the reason instead of blocking the queue', async () => {
    const huge = await exec('echo never', { cpus: '8' });
    const after = await exec('echo ran');
    await driver().run(() => false);
    const h = await job(huge);
    assert.equal(h.status, JobStatus.FailedDriver);
    const event = await ds.manager.findOneByOrFail(EventEntity, { clusterName: CLUSTER, jobId: huge, type: 'job.failed_driver' });
    assert.match(event.message, /needs 8 CPUs per node and a node of the cluster has 4/);
    assert.equal((await job(after)).status, JobStatus.Succeeded);
  });

  test("a job runs itself when its id's directory on the node holds another job's files (an earlier cluster of that name, on an adopted pod)", async () => {
    const mine = await exec('echo mine; exit 5');
    // What an earlier cluster named cq1, whose records are gone, left on the pod under the same job id: a run that
    // ended with exit 0.
    const d = `.skyport/jobs/${mine}`;
    await execCommand({ clients: kube.forContext(target!.context), namespace: ns.name, pod: `${CLUSTER}-head`, container: NODE_CONTAINER }, [
      'sh',
      '-c',
      `mkdir -p ${d}/run.lock && echo earlier-request > ${d}/owner && echo earlier > ${d}/run.log && echo 0 > ${d}/run.exit`,
    ]);
    await driver().run(() => false);
    // Before: SUCCEEDED with the earlier job's exit code, this job's command never run.
    assert.equal((await job(mine)).status, JobStatus.Failed);
    assert.deepEqual((await job(mine)).exitCodes, [5]);
    assert.equal(await runLog(mine), 'mine\n');
  });

  test('cancel stops one running job while the other runs on; teardown stops every running job', async () => {
    const keep = await exec('sleep 60', { cpus: '2' });
    const gone = await exec('sleep 60', { cpus: '2' });
    const d = driver();
    const run = d.run(() => false);
    const deadline = Date.now() + 20_000;
    while ((await statuses([keep, gone])).some((s) => s !== JobStatus.Running) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 150));
    assert.deepEqual(await statuses([keep, gone]), [JobStatus.Running, JobStatus.Running]);

    await ds.query(`INSERT INTO job_cancel_requests (cluster_name, job_id) VALUES ($1, $2)`, [CLUSTER, gone]);
    d.cancel(gone);
    while ((await job(gone)).status === JobStatus.Running && Date.now() < deadline + 10_000) await new Promise((r) => setTimeout(r, 150));
    assert.equal((await job(gone)).status, JobStatus.Cancelled);
    assert.equal((await job(keep)).status, JobStatus.Running, 'the other job runs on');
    const pid = (await execCommand({ clients: kube.forContext(target!.context), namespace: ns.name, pod: `${CLUSTER}-head`, container: NODE_CONTAINER }, ['sh', '-c', `p=$(cat .skyport/jobs/${gone}/run.pid); if kill -0 "$p" 2>/dev/null && ! grep -q '^State:[[:space:]]*Z' /proc/$p/status; then echo alive; else echo stopped; fi`])).stdout.trim();
    assert.equal(pid, 'stopped');

    // What the job runner does when it sees the cluster TEARING_DOWN: the driver stops every running job.
    const down = teardown.teardown({ clusterName: CLUSTER, reason: 'user' });
    while ((await ds.manager.findOneByOrFail(ClusterEntity, { name: CLUSTER })).status === ClusterStatus.Up) await new Promise((r) => setTimeout(r, 50));
    d.tearDown();
    await Promise.all([down, run]);
    assert.equal((await job(keep)).status, JobStatus.FailedDriver);
    const ended = await ds.manager.findOneByOrFail(EventEntity, { clusterName: CLUSTER, jobId: keep, type: 'job.failed_driver' });
    assert.match(ended.message, /torn down|TERMINATED/);
  });
});
