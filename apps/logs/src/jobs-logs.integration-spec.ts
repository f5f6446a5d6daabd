import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DataSource } from 'typeorm';
import { JOB_CANCEL_CHANNEL, jobCancelNotification, JobStatus, RequestKind } from '@skyport/contracts';
import { freePort, freshTestBackends, startService, testEnv, type RunningService } from '@skyport/dev-stack';
import { execCommand, KubeClientProvider, listClusterNodes } from '@skyport/kube';
import { createDataSource, initializeWithRetry, runMigrations } from '@skyport/persistence';
import { addJob, createFixtureCluster, deleteNamespace, jobRow, waitForJob } from './testing/cluster-fixture';
import { tailAll } from './testing/tail-client';

const env = testEnv();
const suffix = randomBytes(3).toString('hex');
const namespace = `jobs-logs-${suffix}`;
// Generous: on a loaded 2-core machine a Nest service can take a while to boot.
const START_MS = 120_000;

describe('jobs and logs on the local control plane', { skip: env.kubeconfig ? false : 'needs the local Kubernetes control plane' }, () => {
  let db: DataSource;
  let dropDb: () => Promise<void>;
  let kube: KubeClientProvider;
  let context: string;
  let serviceEnv: Record<string, string>;
  let provisioner: RunningService;
  let logs: RunningService;
  let logsAddress: string;

  before(async () => {
    const { db: database, redisUrl } = await freshTestBackends('jobs_logs', runMigrations);
    dropDb = database.drop;
    db = await initializeWithRetry(createDataSource(database.url));
    kube = KubeClientProvider.fromSource({ paths: [env.kubeconfig!] });
    context = env.kubeContext ?? kube.defaultContext();
    logsAddress = `127.0.0.1:${await freePort()}`;
    serviceEnv = {
      SKYPORT_DATABASE_URL: database.url,
      SKYPORT_REDIS_URL: redisUrl,
      KUBECONFIG: env.kubeconfig!,
      SKYPORT_LOGS_GRPC: logsAddress,
      SKYPORT_PROVISIONER_GRPC: `127.0.0.1:${await freePort()}`,
      SKYPORT_LOG_LEVEL: 'warn',
      SKYPORT_LOGS_IDLE_MS: '200',
      SKYPORT_LOGS_SCAN_MS: '300',
    };
    [provisioner, logs] = await Promise.all([startService('provisioner', serviceEnv, START_MS), startService('logs', serviceEnv, START_MS)]);
  });

  after(async () => {
    if (process.env.SKYPORT_TEST_SHOW_OUTPUT) process.stdout.write(`${provisioner?.output()}\n${logs?.output()}\n`);
    await Promise.all([provisioner?.stop(), logs?.stop()]);
    await deleteNamespace(kube, context, namespace).catch(() => undefined);
    await db?.destroy();
    await dropDb?.();
  });

  it('runs a job to SUCCEEDED and stores its output in order', async () => {
    const cluster = `ok-${suffix}`;
    await createFixtureCluster(db, kube, { name: cluster, context, namespace, nodes: 1 });
    const jobId = await addJob(db, cluster, { run: 'echo hello; echo "from $SKYPILOT_TASK_ID"; echo to-stderr >&2' });
    const row = await waitForJob(db, cluster, jobId, [JobStatus.Succeeded, JobStatus.Failed, JobStatus.FailedDriver]);
    assert.equal(row.status, JobStatus.Succeeded);
    assert.deepEqual(row.exit_codes, [0]);
    const out = await tailAll(logsAddress, { clusterName: cluster, jobId });
    assert.deepEqual(
      out.lines.map((l) => l.text),
      ['hello', `from skyport-${cluster}-${jobId}`, 'to-stderr'],
    );
    assert.deepEqual(out.lines.map((l) => l.seq), [1, 2, 3]);
    assert.equal(out.eof, true);
    assert.equal(out.jobStatus, JobStatus.Succeeded);
    const tail = await tailAll(logsAddress, { clusterName: cluster, jobId, tailLines: 1, follow: false });
    assert.deepEqual(tail.lines.map((l) => l.text), ['to-stderr']);
  });

  it('records failure, setup failure and the exit codes', async () => {
    const cluster = `fail-${suffix}`;
    await createFixtureCluster(db, kube, { name: cluster, context, namespace, nodes: 1 });
    const failed = await addJob(db, cluster, { run: 'echo about to fail; exit 3' });
    const badSetup = await addJob(db, cluster, { setup: 'echo setting up; exit 4', run: 'echo never' }, RequestKind.Launch);
    const goodSetup = await addJob(db, cluster, { setup: 'echo set up ok', run: 'echo ran' }, RequestKind.Launch);
    const r1 = await waitForJob(db, cluster, failed, [JobStatus.Failed, JobStatus.Succeeded]);
    assert.equal(r1.status, JobStatus.Failed);
    assert.deepEqual(r1.exit_codes, [3]);
    const r2 = await waitForJob(db, cluster, badSetup, [JobStatus.FailedSetup, JobStatus.Succeeded, JobStatus.Failed]);
    assert.equal(r2.status, JobStatus.FailedSetup);
    assert.deepEqual(r2.exit_codes, [4]);
    const r3 = await waitForJob(db, cluster, goodSetup, [JobStatus.Succeeded, JobStatus.Failed, JobStatus.FailedSetup]);
    assert.equal(r3.status, JobStatus.Succeeded);
    assert.deepEqual((await tailAll(logsAddress, { clusterName: cluster, jobId: badSetup, stream: 'setup' })).lines.map((l) => l.text), ['setting up']);
    assert.deepEqual((await tailAll(logsAddress, { clusterName: cluster, jobId: goodSetup, stream: 'setup' })).lines.map((l) => l.text), ['set up ok']);
    assert.deepEqual((await tailAll(logsAddress, { clusterName: cluster, jobId: goodSetup })).lines.map((l) => l.text), ['ran']);
    const events: Array<{ type: string }> = await db.query(`SELECT type FROM events WHERE cluster_name = $1 AND job_id = $2 ORDER BY id`, [cluster, goodSetup]);
    assert.deepEqual(events.map((e) => e.type), ['job.setting_up', 'job.running', 'job.succeeded']);
  });

  it('cancels a running job and stops its whole process tree', async () => {
    const cluster = `cancel-${suffix}`;
    await createFixtureCluster(db, kube, { name: cluster, context, namespace, nodes: 1 });
    const jobId = await addJob(db, cluster, { run: 'sh -c "sleep 300" & echo $! > child.pid; echo started; wait' });
    const queued = await addJob(db, cluster, { run: 'echo queued' });
    await waitForJob(db, cluster, jobId, [JobStatus.Running]);
    await waitForLine(logsAddress, cluster, jobId, 'started');
    const cancelAt = Date.now();
    await db.query(`INSERT INTO job_cancel_requests (cluster_name, job_id) VALUES ($1, $2), ($1, $3)`, [cluster, jobId, queued]);
    await db.query('SELECT pg_notify($1, $2)', [JOB_CANCEL_CHANNEL, jobCancelNotification({ clusterName: cluster, jobIds: [jobId, queued] })]);
    const row = await waitForJob(db, cluster, jobId, [JobStatus.Cancelled, JobStatus.Failed, JobStatus.Succeeded], 20_000);
    assert.equal(row.status, JobStatus.Cancelled);
    assert.ok(Date.now() - cancelAt < 10_000, `cancel took ${Date.now() - cancelAt} ms`);
    assert.equal((await waitForJob(db, cluster, queued, [JobStatus.Cancelled, JobStatus.Succeeded])).status, JobStatus.Cancelled);
    const [node] = await listClusterNodes(kube, { name: cluster, infra: `kubernetes/${context}`, namespace });
    const alive = await execCommand(node.target, ['sh', '-c', processState('child.pid')]);
    assert.equal(alive.stdout.trim(), 'gone');
  });

  it('stops the processes of running jobs and ends every unfinished job when the cluster is torn down', async () => {
    const cluster = `down-${suffix}`;
    await createFixtureCluster(db, kube, { name: cluster, context, namespace, nodes: 1 });
    const running = await addJob(db, cluster, { run: 'sleep 300 & echo $! > down-child.pid; wait' });
    const queued = await addJob(db, cluster, { run: 'echo never' });
    await waitForJob(db, cluster, running, [JobStatus.Running]);
    const [node] = await listClusterNodes(kube, { name: cluster, infra: `kubernetes/${context}`, namespace });
    for (let i = 0; i < 50 && (await execCommand(node.target, ['sh', '-c', 'cat down-child.pid 2>/dev/null || true'])).stdout === ''; i++) await sleep(100);
    await db.query(`UPDATE clusters SET phase = 'TEARING_DOWN' WHERE name = $1`, [cluster]);
    assert.equal((await waitForJob(db, cluster, running, [JobStatus.FailedDriver, JobStatus.Cancelled, JobStatus.Succeeded], 20_000)).status, JobStatus.FailedDriver);
    assert.equal((await waitForJob(db, cluster, queued, [JobStatus.Cancelled, JobStatus.Succeeded])).status, JobStatus.Cancelled);
    const alive = await execCommand(node.target, ['sh', '-c', processState('down-child.pid')]);
    assert.equal(alive.stdout.trim(), 'gone');
  });

  it('runs multi-node jobs with SkyPilot variables and fails them when one node fails', async () => {
    const cluster = `multi-${suffix}`;
    await createFixtureCluster(db, kube, { name: cluster, context, namespace, nodes: 2 });
    const ok = await addJob(db, cluster, { run: 'echo "rank=$SKYPILOT_NODE_RANK of $SKYPILOT_NUM_NODES ips=$(echo "$SKYPILOT_NODE_IPS" | wc -l)"' });
    const bad = await addJob(db, cluster, { run: 'if [ "$SKYPILOT_NODE_RANK" = 1 ]; then sleep 0.5; exit 7; fi; echo waiting; sleep 120' });
    assert.equal((await waitForJob(db, cluster, ok, [JobStatus.Succeeded, JobStatus.Failed])).status, JobStatus.Succeeded);
    const lines = (await tailAll(logsAddress, { clusterName: cluster, jobId: ok })).lines;
    assert.deepEqual(lines.map((l) => `${l.nodeRank}:${l.text}`).sort(), ['0:rank=0 of 2 ips=2', '1:rank=1 of 2 ips=2']);
    const started = Date.now();
    const row = await waitForJob(db, cluster, bad, [JobStatus.Failed, JobStatus.Succeeded], 30_000);
    assert.equal(row.status, JobStatus.Failed);
    assert.equal(row.exit_codes?.[1], 7);
    assert.ok(Date.now() - started < 20_000, 'the other node was stopped, not waited for');
  });

  it('runs 20 queued jobs strictly in order', async () => {
    const cluster = `fifo-${suffix}`;
    await createFixtureCluster(db, kube, { name: cluster, context, namespace, nodes: 1 });
    const ids: number[] = [];
    for (let i = 1; i <= 20; i++) ids.push(await addJob(db, cluster, { run: `echo ${i} >> fifo.txt` }));
    const started = Date.now();
    for (const id of ids) assert.equal((await waitForJob(db, cluster, id, [JobStatus.Succeeded, JobStatus.Failed], 60_000)).status, JobStatus.Succeeded);
    const rows: Array<{ job_id: number; started_at: Date; ended_at: Date }> = await db.query(
      `SELECT job_id, started_at, ended_at FROM jobs WHERE cluster_name = $1 ORDER BY job_id`,
      [cluster],
    );
    for (let i = 1; i < rows.length; i++) assert.ok(rows[i].started_at >= rows[i - 1].ended_at, `job ${rows[i].job_id} started before job ${rows[i - 1].job_id} ended`);
    const [node] = await listClusterNodes(kube, { name: cluster, infra: `kubernetes/${context}`, namespace });
    const order = await execCommand(node.target, ['cat', 'fifo.txt']);
    assert.deepEqual(order.stdout.trim().split('\n'), ids.map(String));
    process.stdout.write(`# 20 queued jobs ran in order in ${Date.now() - started} ms\n`);
  });

  it('handles long lines and binary output with bounded lines', async () => {
    const cluster = `bin-${suffix}`;
    await createFixtureCluster(db, kube, { name: cluster, context, namespace, nodes: 1 });
    const jobId = await addJob(db, cluster, { run: "head -c 100000 /dev/zero | tr '\\0' a; echo; head -c 64 /dev/urandom | tr -d '\\n'; echo; printf 'no newline at end'" });
    assert.equal((await waitForJob(db, cluster, jobId, [JobStatus.Succeeded, JobStatus.Failed])).status, JobStatus.Succeeded);
    const out = await tailAll(logsAddress, { clusterName: cluster, jobId });
    assert.equal(out.lines.length, 3, out.lines.map((l) => l.text.slice(0, 60)).join('|'));
    assert.match(out.lines[0].text, /^a{16384} … \[line cut at 16384 bytes\]$/);
    assert.equal(out.lines[2].text, 'no newline at end');
  });

  it('keeps jobs running and logs complete, in order, without duplicates across kill -9 of provisioner and logs', async () => {
    const cluster = `crash-${suffix}`;
    await createFixtureCluster(db, kube, { name: cluster, context, namespace, nodes: 2 });
    const n = 3000;
    const jobId = await addJob(db, cluster, { run: `i=1; while [ $i -le ${n} ]; do echo "line $i"; if [ $((i % 250)) = 0 ]; then sleep 0.4; fi; i=$((i + 1)); done` });
    await waitForJob(db, cluster, jobId, [JobStatus.Running]);
    await waitForLine(logsAddress, cluster, jobId, 'line 250');
    await Promise.all([provisioner.kill(), logs.kill()]);
    await sleep(1_500);
    [provisioner, logs] = await Promise.all([startService('provisioner', serviceEnv, START_MS), startService('logs', serviceEnv, START_MS)]);
    const row = await waitForJob(db, cluster, jobId, [JobStatus.Succeeded, JobStatus.Failed, JobStatus.FailedDriver], 60_000);
    assert.equal(row.status, JobStatus.Succeeded);
    const out = await tailAll(logsAddress, { clusterName: cluster, jobId });
    assert.equal(out.eof, true);
    for (const rank of [0, 1]) {
      const texts = out.lines.filter((l) => l.nodeRank === rank).map((l) => l.text);
      assert.equal(texts.length, n, `node ${rank}: ${texts.length} lines`);
      texts.forEach((t, i) => assert.equal(t, `line ${i + 1}`));
    }
    const seqs = out.lines.map((l) => l.seq);
    assert.deepEqual(seqs, Array.from({ length: 2 * n }, (_, i) => i + 1));
    assert.equal((await jobRow(db, cluster, jobId)).exit_codes?.join(','), '0,0');
  });
});

async function waitForLine(address: string, clusterName: string, jobId: number, text: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const out = await tailAll(address, { clusterName, jobId, follow: false });
    if (out.lines.some((l) => l.text === text)) return;
    await sleep(100);
  }
  throw new Error(`line '${text}' never arrived`);
}

/**
 * `alive` or `gone` for the pid in a file. A killed process whose parent is gone stays a zombie until init reaps
 * it (some sandboxes' init never does): a zombie is gone.
 */
function processState(pidFile: string): string {
  return `p=$(cat ${pidFile}); if kill -0 "$p" 2>/dev/null && ! grep -q "^State:[[:space:]]*Z" "/proc/$p/status" 2>/dev/null; then echo alive; else echo gone; fi`;
}
