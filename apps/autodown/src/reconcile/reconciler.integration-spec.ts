import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DataSource } from 'typeorm';
import IORedis from 'ioredis';
import { Queue, Worker } from 'bullmq';
import { ClusterStatus, JobStatus, QueueName, RequestKind, RequestStatus, queueJobId } from '@skyport/contracts';
import { freePort, freshTestBackends, startService, testEnv, type RunningService } from '@skyport/dev-stack';
import { createDataSource, initializeWithRetry, runMigrations } from '@skyport/persistence';

/**
 * The reconciler against real Postgres and Redis, with two autodown replicas: every kind of stuck request is
 * moved on exactly once (one leader), and requests that are alive or waiting on purpose are left alone.
 */
const env = testEnv();
let db: DataSource;
let dropDb: () => Promise<void>;
let redis: IORedis;
const queues = new Map<QueueName, Queue>();
const replicas: RunningService[] = [];
let serviceEnv: Record<string, string>;
let provisioner: RunningService | undefined;

const q = (name: QueueName): Queue => {
  let queue = queues.get(name);
  if (!queue) queues.set(name, (queue = new Queue(name, { connection: redis })));
  return queue;
};

async function request(kind: RequestKind, clusterName: string, status = RequestStatus.Pending): Promise<string> {
  const id = randomUUID();
  await insertRequest(id, kind, clusterName, status);
  return id;
}

async function insertRequest(id: string, kind: RequestKind, clusterName: string, status = RequestStatus.Pending): Promise<void> {
  // Quiet for longer than the stale window, as a request whose step was lost is.
  await db.query(
    `INSERT INTO requests (id, kind, status, cluster_name, owner, body_hash, payload, created_at, updated_at)
     VALUES ($1, $2, $3, $4, 'u1', 'h', '{}', now() - interval '10 minutes', now() - interval '10 minutes')`,
    [id, kind, status, clusterName],
  );
}

async function cluster(name: string, status: ClusterStatus, requestId: string | null): Promise<void> {
  await db.query(`INSERT INTO clusters (name, phase, owner, num_nodes, request_id) VALUES ($1, $2, 'u1', 1, $3)`, [name, status, requestId]);
}

/** A job that never started (`INIT`: files still to sync, `PENDING`: queued), written before its request is. */
async function job(clusterName: string, requestId: string, status: JobStatus): Promise<void> {
  await db.query(`INSERT INTO jobs (cluster_name, job_id, status, request_id, task) VALUES ($1, 1, $2, $3, '{}')`, [clusterName, status, requestId]);
}

async function plan(requestId: string, clusterName: string): Promise<string> {
  const id = randomUUID();
  await db.query(`INSERT INTO plans (id, request_id, cluster_name, plan, chosen_index) VALUES ($1, $2, $3, '{}', 0)`, [id, requestId, clusterName]);
  return id;
}

/** A job that exhausted its retries, as one does through a database outage: it holds its id in the failed set. */
async function failedJob(queue: QueueName, data: Record<string, unknown>, jobId: string): Promise<void> {
  await q(queue).add(queue, data, { jobId, attempts: 1 });
  const connection = redis.duplicate();
  const worker = new Worker(queue, async () => { throw new Error('database went away'); }, { connection });
  const deadline = Date.now() + 10_000;
  while ((await q(queue).getJob(jobId).then((j) => j?.getState())) !== 'failed') {
    if (Date.now() > deadline) throw new Error('the job did not fail');
    await sleep(50);
  }
  await worker.close();
  await connection.quit();
}

const events = async (requestId: string, type: string): Promise<number> =>
  Number((await db.query(`SELECT count(*) AS n FROM events WHERE request_id = $1 AND type = $2`, [requestId, type]))[0].n);

async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

before(async () => {
  const backends = await freshTestBackends('reconciler', runMigrations);
  dropDb = backends.db.drop;
  db = await initializeWithRetry(createDataSource(backends.db.url));
  redis = new IORedis(backends.redisUrl, { maxRetriesPerRequest: null });
  serviceEnv = {
    SKYPORT_DATABASE_URL: backends.db.url,
    SKYPORT_REDIS_URL: backends.redisUrl,
    ...(env.kubeconfig ? { KUBECONFIG: env.kubeconfig } : {}),
    // info: the test reads who became the leader from the log.
    SKYPORT_LOG_LEVEL: 'info',
    SKYPORT_RECONCILE_INTERVAL_SECONDS: '1',
    SKYPORT_RECONCILE_STALE_SECONDS: '30',
    SKYPORT_REAPER_INTERVAL_SECONDS: '3600',
    SKYPORT_AUTODOWN_SCAN_SECONDS: '3600',
  };
  // Two replicas, as a rolling update or a scaled deployment runs them.
  replicas.push(await startService('autodown', serviceEnv, 120_000), await startService('autodown', serviceEnv, 120_000));
});

after(async () => {
  await Promise.all([...replicas, ...(provisioner ? [provisioner] : [])].map((r) => r.stop()));
  await Promise.all([...queues.values()].map((queue) => queue.close()));
  await redis?.quit();
  await db?.destroy();
  await dropDb?.();
});

test('stuck launches and teardowns are re-driven once, by the leader; live and waiting ones are left alone', async () => {
  // A launch whose planning job failed for good during an outage.
  const lostPlan = await request(RequestKind.Launch, 'lost-plan');
  await cluster('lost-plan', ClusterStatus.Init, lostPlan);
  const optimizeId = queueJobId(QueueName.Optimize, { requestId: lostPlan, clusterName: 'lost-plan' });
  await failedJob(QueueName.Optimize, { requestId: lostPlan, clusterName: 'lost-plan' }, optimizeId);

  // A launch whose provisioner was killed until BullMQ gave up on the job: cluster left PROVISIONING.
  const lostProvision = await request(RequestKind.Launch, 'lost-provision', RequestStatus.Running);
  await cluster('lost-provision', ClusterStatus.Provisioning, lostProvision);
  const planId = await plan(lostProvision, 'lost-provision');

  // A `down` whose teardown job was lost.
  const lostDown = await request(RequestKind.Down, 'lost-down');
  await cluster('lost-down', ClusterStatus.TearingDown, null);

  // A launch whose cluster was torn down under it: it ends CANCELLED instead of waiting forever.
  const downedLaunch = await request(RequestKind.Launch, 'downed');
  await cluster('downed', ClusterStatus.Terminated, downedLaunch);

  // Left alone: waiting for its team's quota, and one with a live (delayed) job.
  const queued = await request(RequestKind.Launch, 'queued');
  await cluster('queued', ClusterStatus.Init, queued);
  await db.query(`INSERT INTO launch_queue (request_id, cluster_name, team, priority, demand, state) VALUES ($1, 'queued', 't', 0, '{}', 'queued')`, [queued]);
  const alive = await request(RequestKind.Launch, 'alive');
  await cluster('alive', ClusterStatus.Init, alive);
  await q(QueueName.Optimize).add(QueueName.Optimize, { requestId: alive, clusterName: 'alive' }, { jobId: queueJobId(QueueName.Optimize, { requestId: alive, clusterName: 'alive' }), delay: 60_000 });

  await eventually(async () => (await q(QueueName.Optimize).getJob(optimizeId).then((j) => j?.getState())) === 'waiting', 'the lost plan to be published again');
  const provisionId = queueJobId(QueueName.Provision, { requestId: lostProvision, clusterName: 'lost-provision', planId });
  await eventually(async () => (await q(QueueName.Provision).getJob(provisionId)) !== undefined, 'the lost provision to be published again');
  const teardownId = queueJobId(QueueName.Teardown, { clusterName: 'lost-down', requestId: lostDown, reason: 'user' });
  await eventually(async () => (await q(QueueName.Teardown).getJob(teardownId)) !== undefined, 'the lost teardown to be published again');
  await eventually(async () => (await db.query(`SELECT status FROM requests WHERE id = $1`, [downedLaunch]))[0].status === RequestStatus.Cancelled, 'the orphaned launch to be cancelled');

  // Several passes of both replicas later: still exactly one re-drive each (one leader; the event restarts the window).
  await sleep(3_000);
  for (const id of [lostPlan, lostProvision, lostDown]) assert.equal(await events(id, 'request.redriven'), 1, id);
  const [failed] = await db.query(`SELECT error_message FROM requests WHERE id = $1`, [downedLaunch]);
  assert.match(failed.error_message, /taken down before its launch finished/);
  assert.equal(await events(queued, 'request.redriven'), 0);
  assert.equal(await events(alive, 'request.redriven'), 0);
  assert.equal((await db.query(`SELECT status FROM requests WHERE id = $1`, [queued]))[0].status, RequestStatus.Pending);
});

test('the lease moves to the other replica when the leader stops', async () => {
  const leaderIndex = replicas.findIndex((r) => /became the leader/.test(r.output()));
  assert.ok(leaderIndex >= 0, 'one replica says it leads');
  assert.equal(replicas.filter((r) => /became the leader/.test(r.output())).length, 1, 'only one replica leads');
  await replicas[leaderIndex].stop();
  const other = replicas[1 - leaderIndex];
  await eventually(async () => /became the leader/.test(other.output()), 'the other replica to take the lease', 20_000);
  // And it re-drives: a new stuck launch moves on.
  const late = await request(RequestKind.Launch, 'late');
  await cluster('late', ClusterStatus.Init, late);
  await eventually(async () => (await events(late, 'request.redriven')) === 1, 'the new leader to re-drive');
});

test('a stuck launch that ends asks the provisioner to end its unstarted jobs; its queue places are left to their owners', async () => {
  // Each launch's other rows are written before its request, which the reconciler may end at once.
  // Its cluster row is gone: it fails. Its job is queued, and it still held a place in its team's queue and in the
  // capacity queue.
  const vanished = randomUUID();
  await job('vanished', vanished, JobStatus.Pending);
  await db.query(`INSERT INTO launch_queue (request_id, cluster_name, team, priority, demand, state) VALUES ($1, 'vanished', 't', 0, '{}', 'queued')`, [vanished]);
  await db.query(`INSERT INTO capacity_waits (request_id, cluster_name, priority, arrived_at, contexts, reason) VALUES ($1, 'vanished', 0, now(), '["ctx"]', 'full')`, [vanished]);
  await insertRequest(vanished, RequestKind.Launch, 'vanished');
  // Its cluster failed before it came up (no pod): it fails; its job is queued.
  const failed = randomUUID();
  await cluster('never-up', ClusterStatus.Failed, failed);
  await job('never-up', failed, JobStatus.Pending);
  await insertRequest(failed, RequestKind.Launch, 'never-up');
  // Its cluster was taken down: it is cancelled; its job still waited for its files (INIT).
  const cancelled = randomUUID();
  await cluster('downed-init', ClusterStatus.Terminated, cancelled);
  await job('downed-init', cancelled, JobStatus.Init);
  await insertRequest(cancelled, RequestKind.Launch, 'downed-init');

  const ended = [vanished, failed, cancelled];
  await eventually(async () => Number((await db.query(`SELECT count(*) AS n FROM job_cancel_requests WHERE request_id = ANY($1::uuid[])`, [ended]))[0].n) === 3, 'a cancel request for each job');
  for (const id of ended) assert.equal(await events(id, 'job.cancel_requested'), 1, id);
  assert.deepEqual(
    (await db.query(`SELECT r.id, r.status FROM requests r WHERE r.id = ANY($1::uuid[])`, [ended])).map((r: { id: string; status: string }) => [r.id, r.status]).sort(),
    [[vanished, RequestStatus.Failed], [failed, RequestStatus.Failed], [cancelled, RequestStatus.Cancelled]].sort(),
  );
  // Autodown writes neither the jobs nor the queues: the provisioner, the api and the optimizer own them.
  const statusOf = async (clusterName: string): Promise<string> => (await db.query(`SELECT status FROM jobs WHERE cluster_name = $1 AND job_id = 1`, [clusterName]))[0].status;
  assert.equal(await statusOf('vanished'), JobStatus.Pending);
  assert.equal(await statusOf('downed-init'), JobStatus.Init);
  assert.equal((await db.query(`SELECT state FROM launch_queue WHERE request_id = $1`, [vanished]))[0].state, 'queued');
  assert.equal(Number((await db.query(`SELECT count(*) AS n FROM capacity_waits WHERE request_id = $1`, [vanished]))[0].n), 1);

  if (!env.kubeconfig) return;
  // The provisioner's job runner ends them, whatever their cluster is (gone, failed before it came up, taken down):
  // FAILED with a failed request, CANCELLED with a cancelled one.
  provisioner = await startService('provisioner', { ...serviceEnv, SKYPORT_LOG_LEVEL: 'warn', SKYPORT_PROVISIONER_GRPC: `127.0.0.1:${await freePort()}` }, 120_000);
  await eventually(
    async () => (await statusOf('vanished')) === JobStatus.Failed && (await statusOf('never-up')) === JobStatus.Failed && (await statusOf('downed-init')) === JobStatus.Cancelled,
    'the provisioner to end the jobs',
  );
  const [event] = await db.query(`SELECT message FROM events WHERE request_id = $1 AND type = 'job.failed'`, [vanished]);
  assert.match(event.message, /did not start: its request failed: cluster vanished no longer exists/);
  assert.equal(await events(failed, 'job.failed'), 1);
  assert.equal(await events(cancelled, 'job.cancelled'), 1);
});
