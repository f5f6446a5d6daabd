import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DataSource } from 'typeorm';
import IORedis from 'ioredis';
import { Queue } from 'bullmq';
import { ACTIVITY_CHANNEL, ClusterStatus, QueueName, RequestKind, RequestStatus, type ClusterPowerPayload } from '@skyport/contracts';
import { freshTestBackends, startService, testEnv, type RunningService } from '@skyport/dev-stack';
import { createDataSource, initializeWithRetry, runMigrations } from '@skyport/persistence';

const env = testEnv();
const suffix = randomBytes(3).toString('hex');
/** One autostop "minute" lasts a second here. */
const MINUTE_MS = 1_000;

// The real autodown service (its process, Postgres, Redis): an idle AWS cluster with autostop (no --down) is
// STOPPED and its stop handed to the provisioner on the cluster-power queue (the provisioner's half, against
// moto, is apps/provisioner/src/power/cluster-power.integration-spec.ts); with --down it is torn down.
describe('autostop of an idle AWS cluster stops it', { skip: env.kubeconfig ? false : 'needs the local Kubernetes control plane', timeout: 90_000 }, () => {
  let db: DataSource;
  let dropDb: () => Promise<void>;
  let redis: IORedis;
  let power: Queue;
  let teardowns: Queue;
  let autodown: RunningService;

  before(async () => {
    const { db: database, redisUrl } = await freshTestBackends('autostop_stop', runMigrations);
    dropDb = database.drop;
    db = await initializeWithRetry(createDataSource(database.url));
    redis = new IORedis(redisUrl, { maxRetriesPerRequest: null });
    power = new Queue(QueueName.ClusterPower, { connection: redis });
    teardowns = new Queue(QueueName.Teardown, { connection: redis });
    autodown = await startService(
      'autodown',
      {
        SKYPORT_DATABASE_URL: database.url,
        SKYPORT_REDIS_URL: redisUrl,
        KUBECONFIG: env.kubeconfig!,
        SKYPORT_LOG_LEVEL: 'warn',
        SKYPORT_AUTODOWN_MINUTE_MS: String(MINUTE_MS),
        SKYPORT_AUTODOWN_SCAN_SECONDS: '1',
        SKYPORT_REAPER_INTERVAL_SECONDS: '3600',
      },
      60_000,
    );
  });

  after(async () => {
    await autodown?.stop();
    await power?.close();
    await teardowns?.close();
    await redis?.quit();
    await db?.destroy();
    await dropDb?.();
  });

  async function idleAwsCluster(name: string, down: boolean): Promise<void> {
    await db.query(`INSERT INTO clusters (name, phase, infra, num_nodes, autostop_minutes, autostop_down, last_activity_at) VALUES ($1, 'UP', 'aws/us-east-1', 1, 2, $2, now())`, [name, down]);
    await db.query('SELECT pg_notify($1, $2)', [ACTIVITY_CHANNEL, name]);
  }

  async function jobFor<T extends { clusterName: string }>(queue: Queue, name: string, timeoutMs: number): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const jobs = await queue.getJobs(['waiting', 'delayed', 'active', 'completed', 'failed']);
      const job = jobs.find((j) => (j.data as T).clusterName === name);
      if (job) return job.data as T;
      if (Date.now() > deadline) throw new Error(`no ${queue.name} job for ${name} within ${timeoutMs} ms`);
      await sleep(100);
    }
  }

  it('without --down: STOPPED (not torn down), a stop request, the stop on the cluster-power queue', async () => {
    const name = `stopme-${suffix}`;
    await idleAwsCluster(name, false);
    const payload = await jobFor<ClusterPowerPayload>(power, name, 2 * MINUTE_MS + 20_000);
    assert.deepEqual({ action: payload.action, reason: payload.reason }, { action: 'stop', reason: 'autostop' });
    const [cluster] = await db.query(`SELECT status, status_reason, stopped_at, phase, intent FROM clusters WHERE name = $1`, [name]);
    assert.equal(cluster.status, ClusterStatus.Stopped);
    assert.match(cluster.status_reason, /^autostop: idle for 2 minutes; stopping the cluster/);
    // Autodown writes the stop intent only; the provisioner moves the phase and starts the unbilled time.
    assert.deepEqual({ phase: cluster.phase, intent: cluster.intent, stoppedAt: cluster.stopped_at }, { phase: ClusterStatus.Up, intent: 'stop', stoppedAt: null });
    const [request] = await db.query(`SELECT id, kind, status FROM requests WHERE cluster_name = $1`, [name]);
    assert.deepEqual({ kind: request.kind, status: request.status }, { kind: RequestKind.Stop, status: RequestStatus.Pending });
    assert.equal(payload.requestId, request.id);
    assert.equal((await teardowns.getJobs(['waiting', 'delayed', 'active', 'completed'])).some((j) => j.data.clusterName === name), false, 'not torn down');
  });

  it('with --down: torn down as before', async () => {
    const name = `downme-${suffix}`;
    await idleAwsCluster(name, true);
    const payload = await jobFor<{ clusterName: string; reason: string }>(teardowns, name, 2 * MINUTE_MS + 20_000);
    assert.equal(payload.reason, 'autodown');
    const [cluster] = await db.query(`SELECT status FROM clusters WHERE name = $1`, [name]);
    assert.equal(cluster.status, ClusterStatus.TearingDown);
  });
});
