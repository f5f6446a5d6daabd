import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DataSource } from 'typeorm';
import { JobStatus } from '@skyport/contracts';
import { freePort, freshTestBackends, startService, testEnv, type RunningService, type TestDatabase } from '@skyport/dev-stack';
import { execCommand, KubeClientProvider, listClusterNodes, type KubeClients } from '@skyport/kube';
import { diffCounts, requestCounts, type RequestCounts } from '@skyport/kube/testing';
import { createDataSource, initializeWithRetry, runMigrations } from '@skyport/persistence';
import { createLogger } from '@skyport/service-kit';
import { addJob, createFixtureCluster, deleteNamespace, jobRow, waitForJob } from './testing/cluster-fixture';
import { apiServerAddress, providerThrough, TcpRelay } from './testing/tcp-relay';
import { JobLogWorker, type TailSettings } from './tail/job-log.worker';
import { KubeNodeLogSources } from './tail/kube-node-log-source';
import { LogStore } from './tail/log-store';

const env = testEnv();
const suffix = randomBytes(3).toString('hex');
const namespace = `logs-follow-${suffix}`;
const START_MS = 120_000;
const EXEC = 'CONNECT pods/exec';

/**
 * The tailer's streaming against the real local control plane: the provisioner (a process) runs the jobs in the
 * pods; the tailing runs here, in-process, so each case can see what its followers did — with every API server
 * connection of the tailer going through a TCP relay the test can cut.
 */
describe('following job output with one stream per node', { skip: env.kubeconfig ? false : 'needs the local Kubernetes control plane' }, () => {
  let backends: TestDatabase;
  let db: DataSource;
  let kube: KubeClientProvider;
  let clients: KubeClients;
  let context: string;
  let relay: TcpRelay;
  let relayedKube: KubeClientProvider;
  let provisioner: RunningService;

  before(async () => {
    const fresh = await freshTestBackends('logs_follow', runMigrations);
    backends = fresh.db;
    db = await initializeWithRetry(createDataSource(backends.url));
    kube = KubeClientProvider.fromSource({ paths: [env.kubeconfig!] });
    context = env.kubeContext ?? kube.defaultContext();
    clients = kube.forContext(context);
    const api = apiServerAddress(kube, context);
    relay = await TcpRelay.start(api.host, api.port);
    relayedKube = providerThrough(relay, kube, context);
    provisioner = await startService(
      'provisioner',
      {
        SKYPORT_DATABASE_URL: backends.url,
        SKYPORT_REDIS_URL: fresh.redisUrl,
        KUBECONFIG: env.kubeconfig!,
        SKYPORT_PROVISIONER_GRPC: `127.0.0.1:${await freePort()}`,
        SKYPORT_LOG_LEVEL: 'warn',
      },
      START_MS,
    );
  });

  after(async () => {
    if (process.env.SKYPORT_TEST_SHOW_OUTPUT) process.stdout.write(`${provisioner?.output()}\n`);
    await provisioner?.stop();
    await relay?.close();
    await deleteNamespace(kube, context, namespace).catch(() => undefined);
    await db?.destroy();
    await backends?.drop();
  });

  /** Tails one job here, as the logs service would, through the relay. */
  function tail(cluster: string, jobId: number, settings: Partial<TailSettings> = {}): { worker: JobLogWorker; done: Promise<void> } {
    const worker = new JobLogWorker({ name: cluster, infra: `kubernetes/${context}`, namespace }, jobId, {
      db,
      store: new LogStore(db),
      sources: new KubeNodeLogSources(relayedKube),
      logger: createLogger('logs-follow-test', 'warn'),
      settings: { chunkBytes: 256 * 1024, lineCap: 16 * 1024, idleMs: 200, endGraceMs: 10_000, ...settings },
      stopped: () => false,
    });
    return { worker, done: worker.run() };
  }

  it('delivers output while the job runs, on one stream per node, and closes the stream when the job ends', async () => {
    const cluster = `follow-${suffix}`;
    await createFixtureCluster(db, kube, { name: cluster, context, namespace, nodes: 1 });
    const jobId = await addJob(db, cluster, { run: 'echo first; while [ ! -f go ]; do sleep 0.1; done; echo second' });
    await waitForJob(db, cluster, jobId, [JobStatus.Running]);
    const { worker, done } = tail(cluster, jobId);
    await waitFor(async () => (await storedLines(db, cluster, jobId)).length === 1, 'the first line');
    assert.equal((await jobRow(db, cluster, jobId)).status, JobStatus.Running, 'the line arrived while the job was running');
    const [node] = await listClusterNodes(kube, { name: cluster, infra: `kubernetes/${context}`, namespace });
    await execCommand(node.target, ['touch', 'go']);
    await withTimeout(done, 30_000, 'the worker did not finish after the job ended');
    assert.deepEqual((await storedLines(db, cluster, jobId)).map((l) => l.text), ['first', 'second']);
    assert.equal(await streamDone(db, cluster, jobId), true);
    const job = worker.stats().job;
    assert.equal(job.length, 1);
    assert.equal(job[0].streamsOpened, 1, 'one stream for the whole run phase');
  });

  it('resumes a broken stream from where storing stood: every line once, in order', async () => {
    const cluster = `broken-${suffix}`;
    await createFixtureCluster(db, kube, { name: cluster, context, namespace, nodes: 2 });
    const n = 3000;
    const jobId = await addJob(db, cluster, { run: `i=1; while [ $i -le ${n} ]; do echo "line $i"; if [ $((i % 250)) = 0 ]; then sleep 0.4; fi; i=$((i + 1)); done` });
    await waitForJob(db, cluster, jobId, [JobStatus.Running]);
    const { worker, done } = tail(cluster, jobId);
    await waitFor(async () => {
      const lines = await storedLines(db, cluster, jobId);
      return [0, 1].every((rank) => lines.filter((l) => l.node_rank === rank).length >= 250);
    }, '250 lines from each node');
    const cut = relay.cutAll();
    assert.ok(cut >= 2, `${cut} connections were open (one stream per node expected)`);
    assert.equal((await waitForJob(db, cluster, jobId, [JobStatus.Succeeded, JobStatus.Failed], 60_000)).status, JobStatus.Succeeded);
    await withTimeout(done, 60_000, 'the worker did not finish after the job ended');
    const lines = await storedLines(db, cluster, jobId);
    for (const rank of [0, 1]) {
      const texts = lines.filter((l) => l.node_rank === rank).map((l) => l.text);
      assert.equal(texts.length, n, `node ${rank}: ${texts.length} lines`);
      texts.forEach((t, i) => assert.equal(t, `line ${i + 1}`));
    }
    assert.deepEqual(lines.map((l) => Number(l.seq)), Array.from({ length: 2 * n }, (_, i) => i + 1));
    for (const s of worker.stats().job) assert.ok(s.streamsOpened >= 2, `a node's stream was reopened (${s.streamsOpened} opened)`);
  });

  it('keeps a node within its memory bound when the output outgrows it while the store is behind', async () => {
    const cluster = `bound-${suffix}`;
    await createFixtureCluster(db, kube, { name: cluster, context, namespace, nodes: 1 });
    const n = 3000;
    const pad = 'x'.repeat(80);
    const jobId = await addJob(db, cluster, { run: `i=1; while [ $i -le ${n} ]; do echo "line $i ${pad}"; i=$((i + 1)); done` });
    await waitForJob(db, cluster, jobId, [JobStatus.Succeeded, JobStatus.Failed]);
    // The store falls behind: its stream row is locked by another transaction for a while, as a slow or
    // contended database would hold it.
    await db.query(`INSERT INTO log_streams (cluster_name, job_id, stream) VALUES ($1, $2, 'job')`, [cluster, jobId]);
    const blocker = db.createQueryRunner();
    await blocker.connect();
    await blocker.startTransaction();
    await blocker.query(`SELECT 1 FROM log_streams WHERE cluster_name = $1 AND job_id = $2 AND stream = 'job' FOR UPDATE`, [cluster, jobId]);
    const bound = 16 * 1024;
    const { worker, done } = tail(cluster, jobId, { chunkBytes: bound, lineCap: 1024 });
    try {
      await waitFor(async () => (worker.stats().job?.[0]?.pauses ?? 0) > 0, 'the stream to pause');
    } finally {
      await blocker.commitTransaction();
      await blocker.release();
    }
    await withTimeout(done, 60_000, 'the worker did not finish');
    const texts = (await storedLines(db, cluster, jobId)).map((l) => l.text);
    assert.equal(texts.length, n);
    texts.forEach((t, i) => assert.equal(t, `line ${i + 1} ${pad}`));
    const [stats] = worker.stats().job;
    assert.ok(stats.peakHeldBytes <= bound, `held at most ${stats.peakHeldBytes} bytes (bound ${bound}; the output was ${n * 90} bytes)`);
    process.stdout.write(`# ${n * 90} bytes through a ${bound}-byte bound: ${stats.pauses} pauses, ${stats.streamsOpened} streams, peak ${stats.peakHeldBytes} bytes held\n`);
  });

  it('costs the API server a constant number of execs per node while a job runs, not one per poll', async () => {
    const cluster = `count-${suffix}`;
    const nodes = 2;
    await createFixtureCluster(db, kube, { name: cluster, context, namespace, nodes });
    // What the cluster does on its own (and anyone else using it) over a window, to take off the counts below.
    const windowMs = 5_000;
    const quiet = await execsDuring(clients, windowMs);

    const start = await requestCounts(clients);
    const jobId = await addJob(db, cluster, { run: 'i=1; while [ $i -le 40 ]; do echo "tick $i"; sleep 0.25; i=$((i + 1)); done' });
    await waitForJob(db, cluster, jobId, [JobStatus.Running]);
    const { worker, done } = tail(cluster, jobId);
    await waitFor(async () => (await storedLines(db, cluster, jobId)).length >= 4, 'the first ticks');
    // While the job runs and its output streams, the API server sees no new exec requests complete: the
    // streams are open (counted when they end) and nothing polls.
    const running = await execsDuring(clients, windowMs);
    await waitForJob(db, cluster, jobId, [JobStatus.Succeeded, JobStatus.Failed], 60_000);
    await withTimeout(done, 30_000, 'the worker did not finish');
    await sleep(500);
    const total = count(diffCounts(start, await requestCounts(clients)));
    const texts = (await storedLines(db, cluster, jobId)).map((l) => l.text);
    assert.equal(texts.length, 40 * nodes);

    const logsExecs = Object.values(worker.stats()).flat().reduce((sum, s) => sum + s.streamsOpened + s.reads, 0);
    process.stdout.write(
      `# execs: ${running} completed during ${windowMs} ms of the running job (${quiet} in a quiet window before); ` +
        `${total} for the whole ~10 s job on ${nodes} nodes, ${logsExecs} of them the tailer's\n`,
    );
    assert.ok(running - quiet <= nodes, `${running} execs completed in ${windowMs} ms while the job ran (${quiet} while quiet)`);
    // Per node: the provisioner starts the phase and waits for it (1 + one 20 s wait slice); the tailer opens a
    // stream per phase (setup: found absent at once; run) and at most one catch-up read.
    assert.ok(logsExecs <= 3 * nodes, `the tailer made ${logsExecs} execs`);
    assert.ok(total - quiet * 3 <= 6 * nodes, `${total} execs in all for one ~10 s job on ${nodes} nodes`);
  });
});

interface StoredLine {
  seq: string;
  node_rank: number;
  text: string;
}

async function storedLines(db: DataSource, cluster: string, jobId: number): Promise<StoredLine[]> {
  return db.query(`SELECT seq, node_rank, text FROM log_lines WHERE cluster_name = $1 AND job_id = $2 AND stream = 'job' ORDER BY seq`, [cluster, jobId]);
}

async function streamDone(db: DataSource, cluster: string, jobId: number): Promise<boolean> {
  const rows: Array<{ done: boolean }> = await db.query(`SELECT done FROM log_streams WHERE cluster_name = $1 AND job_id = $2 AND stream = 'job'`, [cluster, jobId]);
  return rows[0]?.done ?? false;
}

const count = (c: RequestCounts): number => c.get(EXEC) ?? 0;

async function execsDuring(clients: KubeClients, ms: number): Promise<number> {
  const before = await requestCounts(clients);
  await sleep(ms);
  return count(diffCounts(before, await requestCounts(clients)));
}

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

async function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}
