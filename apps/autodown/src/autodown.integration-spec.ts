import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DataSource } from 'typeorm';
import IORedis from 'ioredis';
import { Queue } from 'bullmq';
import { ACTIVITY_CHANNEL, ClusterStatus, JobStatus, NODE_LABELS, QueueName, type TeardownPayload } from '@skyport/contracts';
import { freshTestBackends, startService, testEnv, type RunningService } from '@skyport/dev-stack';
import { buildJobGroupService, isKubeNotFound, KubeClientProvider } from '@skyport/kube';
import { createDataSource, initializeWithRetry, runMigrations } from '@skyport/persistence';

const env = testEnv();
const suffix = randomBytes(3).toString('hex');
const namespace = `autodown-${suffix}`;
/** One autostop "minute" lasts a second here. */
const MINUTE_MS = 1_000;
const START_MS = 120_000;

describe('autodown and the reaper', { skip: env.kubeconfig ? false : 'needs the local Kubernetes control plane' }, () => {
  let db: DataSource;
  let dropDb: () => Promise<void>;
  let redis: IORedis;
  let teardowns: Queue;
  let kube: KubeClientProvider;
  let context: string;
  let autodown: RunningService;
  let serviceEnv: Record<string, string>;

  before(async () => {
    const { db: database, redisUrl } = await freshTestBackends('autodown', runMigrations);
    dropDb = database.drop;
    db = await initializeWithRetry(createDataSource(database.url));
    redis = new IORedis(redisUrl, { maxRetriesPerRequest: null });
    teardowns = new Queue(QueueName.Teardown, { connection: redis });
    kube = KubeClientProvider.fromSource({ paths: [env.kubeconfig!] });
    context = env.kubeContext ?? kube.defaultContext();
    await kube.forContext(context).core.createNamespace({ body: { metadata: { name: namespace } } });
    serviceEnv = {
      SKYPORT_DATABASE_URL: database.url,
      SKYPORT_REDIS_URL: redisUrl,
      KUBECONFIG: env.kubeconfig!,
      SKYPORT_LOG_LEVEL: 'warn',
      SKYPORT_AUTODOWN_MINUTE_MS: String(MINUTE_MS),
      // The scan is slow on purpose: timers must fire on time by themselves.
      SKYPORT_AUTODOWN_SCAN_SECONDS: '10',
      SKYPORT_REAPER_INTERVAL_SECONDS: '1',
      SKYPORT_REAPER_GRACE_SECONDS: '3',
      SKYPORT_REAPER_CONTEXTS: context,
      SKYPORT_REAPER_NAMESPACES: namespace,
    };
    autodown = await startService('autodown', serviceEnv, START_MS);
  });

  after(async () => {
    await autodown?.stop();
    await teardowns?.close();
    await redis?.quit();
    await kube
      ?.forContext(context)
      .core.deleteNamespace({ name: namespace })
      .catch(() => undefined);
    await db?.destroy();
    await dropDb?.();
  });

  async function upCluster(name: string, autostop: number | null, down = true): Promise<void> {
    await db.query(`INSERT INTO clusters (name, phase, infra, namespace, num_nodes, autostop_minutes, autostop_down, last_activity_at) VALUES ($1, $2, $3, $4, 1, $5, $6, now())`, [
      name,
      ClusterStatus.Up,
      `kubernetes/${context}`,
      namespace,
      autostop,
      down,
    ]);
    // As the provisioner's `cluster.up` event does.
    await db.query('SELECT pg_notify($1, $2)', [ACTIVITY_CHANNEL, name]);
  }

  async function teardownOf(name: string): Promise<{ payload: TeardownPayload; at: number } | undefined> {
    const jobs = await teardowns.getJobs(['waiting', 'delayed', 'active', 'completed', 'failed']);
    const job = jobs.find((j) => (j.data as TeardownPayload).clusterName === name);
    return job ? { payload: job.data as TeardownPayload, at: job.timestamp } : undefined;
  }

  async function waitForTeardown(name: string, timeoutMs: number): Promise<{ payload: TeardownPayload; at: number }> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = await teardownOf(name);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no teardown of ${name} within ${timeoutMs} ms`);
      await sleep(50);
    }
  }

  it('tears an idle cluster down within its window plus a small bound, and says Kubernetes cannot stop', async () => {
    const idle = `idle-${suffix}`;
    const busy = `busy-${suffix}`;
    const noAutostop = `never-${suffix}`;
    await upCluster(idle, 3, false);
    await upCluster(busy, 3);
    await upCluster(noAutostop, null);
    await db.query(`INSERT INTO jobs (cluster_name, job_id, status, task) VALUES ($1, 1, $2, '{}')`, [busy, JobStatus.Running]);
    const [{ since }]: Array<{ since: Date }> = await db.query(`SELECT last_activity_at AS since FROM clusters WHERE name = $1`, [idle]);
    const fired = await waitForTeardown(idle, 3 * MINUTE_MS + 20_000);
    const late = fired.at - (new Date(since).getTime() + 3 * MINUTE_MS);
    process.stdout.write(`# autodown fired ${late} ms after the idle window ended\n`);
    assert.ok(late >= 0, `fired ${-late} ms early`);
    assert.ok(late < 3_000, `fired ${late} ms late`);
    assert.equal(fired.payload.reason, 'autodown');
    const [cluster]: Array<{ status: string; status_reason: string }> = await db.query(`SELECT status, status_reason FROM clusters WHERE name = $1`, [idle]);
    assert.equal(cluster.status, ClusterStatus.TearingDown);
    assert.match(cluster.status_reason, /Kubernetes clusters cannot be stopped/);
    const events: Array<{ type: string }> = await db.query(`SELECT type FROM events WHERE cluster_name = $1`, [idle]);
    assert.deepEqual(events.map((e) => e.type), ['cluster.autodown']);
    await sleep(1_000);
    assert.equal(await teardownOf(busy), undefined, 'a cluster with a running job stays up');
    assert.equal(await teardownOf(noAutostop), undefined, 'a cluster without autostop stays up');
  });

  it('a new job cancels the timer; the window restarts when the job ends; an open ssh session also keeps it up', async () => {
    const name = `renew-${suffix}`;
    await upCluster(name, 3);
    await sleep(1_500);
    await db.query(`INSERT INTO jobs (cluster_name, job_id, status, task, started_at) VALUES ($1, 1, $2, '{}', now())`, [name, JobStatus.Running]);
    await db.query(`UPDATE clusters SET last_activity_at = now() WHERE name = $1`, [name]);
    await sleep(3_000);
    assert.equal(await teardownOf(name), undefined, 'the job arrived before the window ended');
    await db.query(`UPDATE jobs SET status = $2, ended_at = now() WHERE cluster_name = $1`, [name, JobStatus.Succeeded]);
    await db.query('SELECT pg_notify($1, $2)', [ACTIVITY_CHANNEL, name]);
    await db.query(`INSERT INTO ssh_sessions (id, cluster_name, mode) VALUES (gen_random_uuid(), $1, 'shell')`, [name]);
    await sleep(4_000);
    assert.equal(await teardownOf(name), undefined, 'an open session keeps the cluster up');
    await db.query(`UPDATE ssh_sessions SET closed_at = now() WHERE cluster_name = $1`, [name]);
    const [{ closed }]: Array<{ closed: Date }> = await db.query(`SELECT closed_at AS closed FROM ssh_sessions WHERE cluster_name = $1`, [name]);
    await db.query('SELECT pg_notify($1, $2)', [ACTIVITY_CHANNEL, name]);
    const fired = await waitForTeardown(name, 3 * MINUTE_MS + 15_000);
    const sinceClose = fired.at - new Date(closed).getTime();
    assert.ok(sinceClose >= 3 * MINUTE_MS, `fired ${sinceClose} ms after the session closed`);
  });

  it('survives a restart: a timer armed before kill -9 still fires', async () => {
    const name = `restart-${suffix}`;
    await upCluster(name, 4);
    await autodown.kill();
    autodown = await startService('autodown', serviceEnv, START_MS);
    const fired = await waitForTeardown(name, 4 * MINUTE_MS + 20_000);
    assert.equal(fired.payload.reason, 'autodown');
  });

  it('the reaper deletes objects of gone or ended clusters after the grace period, and nothing else', async () => {
    const core = kube.forContext(context).core;
    const labels = (cluster: string) => ({ [NODE_LABELS.cluster]: cluster, [NODE_LABELS.managedBy]: NODE_LABELS.managedByValue });
    const pod = (name: string, l: Record<string, string>) =>
      core.createNamespacedPod({ namespace, body: { metadata: { name, labels: l }, spec: { containers: [{ name: 'skyport', image: 'busybox' }] } } });
    await db.query(`INSERT INTO clusters (name, phase, updated_at) VALUES ($1, $2, now() - interval '1 hour')`, [`ended-${suffix}`, ClusterStatus.Terminated]);
    await upCluster(`live-${suffix}`, null);
    await pod('orphan-head', labels(`gone-${suffix}`));
    await core.createNamespacedSecret({ namespace, body: { metadata: { name: 'orphan-secret', labels: labels(`gone-${suffix}`) }, stringData: { a: 'b' } } });
    await core.createNamespacedService({ namespace, body: { metadata: { name: 'orphan-svc', labels: labels(`gone-${suffix}`) }, spec: { clusterIP: 'None', ports: [{ port: 80 }] } } });
    await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'orphan-config', labels: labels(`gone-${suffix}`) }, data: { a: 'b' } } });
    await pod('ended-head', labels(`ended-${suffix}`));
    await pod('live-head', labels(`live-${suffix}`));
    await pod('not-ours', { [NODE_LABELS.cluster]: `gone-${suffix}` });
    await pod('unlabelled', {});
    // A volume's claim (skyport volumes apply) carries managed-by but no cluster label: never an orphan. A gone
    // cluster's ephemeral volume (cluster label, created-volume) is one.
    const claim = (name: string, l: Record<string, string>) =>
      core.createNamespacedPersistentVolumeClaim({ namespace, body: { metadata: { name, labels: l }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } } });
    await claim('a-volume', { [NODE_LABELS.managedBy]: NODE_LABELS.managedByValue, 'skyport.dev/volume': 'a-volume' });
    await claim('orphan-scratch', { ...labels(`gone-${suffix}`), 'skyport.dev/created-volume': 'true' });
    // One with the cluster labels that Skyport did not create (no created-volume) is not Skyport's to delete.
    await claim('labelled-by-hand', labels(`gone-${suffix}`));
    const claimLive = (name: string) => exists(async () => {
      const c = await core.readNamespacedPersistentVolumeClaim({ name, namespace });
      // Deleted, waiting only for Kubernetes' protection finalizer, counts as gone.
      if (c.metadata?.deletionTimestamp) throw Object.assign(new Error('deleting'), { code: 404 });
      return c;
    });
    const exists = async (read: () => Promise<unknown>) =>
      read().then(
        () => true,
        (e: unknown) => {
          if (isKubeNotFound(e) || (e as { code?: number }).code === 404) return false;
          throw e;
        },
      );
    const podExists = (name: string) => exists(() => core.readNamespacedPod({ name, namespace }));
    const orphansLeft = async () =>
      (await podExists('orphan-head')) ||
      (await podExists('ended-head')) ||
      (await exists(() => core.readNamespacedSecret({ name: 'orphan-secret', namespace }))) ||
      (await exists(() => core.readNamespacedService({ name: 'orphan-svc', namespace }))) ||
      (await exists(() => core.readNamespacedConfigMap({ name: 'orphan-config', namespace }))) ||
      (await claimLive('orphan-scratch'));
    const deadline = Date.now() + 30_000;
    while (await orphansLeft()) {
      if (Date.now() > deadline) throw new Error('orphans were not reaped');
      await sleep(250);
    }
    for (const kept of ['live-head', 'not-ours', 'unlabelled']) assert.equal(await podExists(kept), true, `${kept} was deleted`);
    assert.equal(await claimLive('a-volume'), true, "a volume's claim was reaped");
    assert.equal(await claimLive('labelled-by-hand'), true, 'a claim Skyport did not create was reaped');
  });

  it("the reaper deletes a job group's Service once its job ended and no pod of it is left, never while the job runs", async () => {
    const core = kube.forContext(context).core;
    const job = async (status: string) =>
      ((await db.query(`INSERT INTO managed_jobs (owner, status, task, recovery, task_id) VALUES ('u', $1, '{}', '{}', 'x') RETURNING id`, [status])) as Array<{ id: number }>)[0].id;
    const [ended, running, endedWithPod] = [await job('SUCCEEDED'), await job('RUNNING'), await job('FAILED')];
    for (const [name, id] of [['g-ended', ended], ['g-running', running], ['g-pod', endedWithPod]] as const) {
      await core.createNamespacedService({ namespace, body: buildJobGroupService(namespace, name, id) });
    }
    await core.createNamespacedPod({
      namespace,
      body: { metadata: { name: 'g-pod-trainer', labels: { 'skyport.dev/job-group': String(endedWithPod), [NODE_LABELS.managedBy]: NODE_LABELS.managedByValue } }, spec: { containers: [{ name: 'skyport', image: 'busybox' }] } },
    });
    const svcExists = (name: string) =>
      core.readNamespacedService({ name, namespace }).then(
        (s) => !s.metadata?.deletionTimestamp,
        (e: unknown) => {
          if (isKubeNotFound(e) || (e as { code?: number }).code === 404) return false;
          throw e;
        },
      );
    const deadline = Date.now() + 30_000;
    while (await svcExists('g-ended')) {
      if (Date.now() > deadline) throw new Error("an ended group's Service was not reaped");
      await sleep(250);
    }
    // Reaped by now if they were to be: the pass that took g-ended (older than the grace) looked at them too.
    assert.equal(await svcExists('g-running'), true, "a running group's Service was reaped");
    assert.equal(await svcExists('g-pod'), true, 'a Service with a pod of its group was reaped');
  });
});
