import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { DataSource } from 'typeorm';
import { ClusterStatus, JobStatus } from '@skyport/contracts';
import type { Logger } from '@skyport/service-kit';
import { migratedTestDatabase, type MigratedTestDatabase } from '@skyport/persistence/testing';
import { loadLogsConfig } from '../config';
import { addJob } from '../testing/cluster-fixture';
import { LogTailer } from './log-tailer.service';
import type { FollowRequest, NodeLogSource, NodeLogSourceProvider } from './node-log-source';

// SKYPORT_LOGS_MAX_JOBS bounds the jobs tailed at once; the jobs past it wait (oldest first) and a warning says so,
// instead of being left unread without a word. The nodes are a stand-in source whose streams stay open until
// stopped: what is tested is the tailer's choice of jobs, against real Postgres.
describe('LogTailer job cap', () => {
  let database: MigratedTestDatabase;
  let db: DataSource;
  const followed = new Set<string>();
  const warnings: Array<Record<string, unknown>> = [];

  const sources: NodeLogSourceProvider = {
    handles: () => true,
    nodesOf: async (cluster) => [
      {
        rank: 0,
        name: `${cluster.name}-head`,
        follow: (req: FollowRequest) => {
          followed.add(cluster.name);
          return new Promise((_, reject) => req.signal.addEventListener('abort', () => reject(new Error('stopped'))));
        },
        read: async () => ({ exists: false, data: Buffer.alloc(0) }),
      } satisfies NodeLogSource,
    ],
  };
  const logger = {
    warn: (fields: Record<string, unknown>) => warnings.push(fields),
    info: () => undefined,
    error: () => undefined,
    debug: () => undefined,
  } as unknown as Logger;

  before(async () => {
    database = await migratedTestDatabase('tailer_cap');
    db = database.ds;
  });

  after(async () => {
    await database?.drop();
  });

  it('tails at most SKYPORT_LOGS_MAX_JOBS jobs, warns about the rest, and takes them up when a slot frees', async () => {
    for (const name of ['cap-a', 'cap-b', 'cap-c']) {
      await db.query(`INSERT INTO clusters (name, phase, infra, namespace, num_nodes, last_activity_at) VALUES ($1, $2, 'kubernetes/none', 'default', 1, now())`, [name, ClusterStatus.Up]);
      const jobId = await addJob(db, name, { run: 'true' });
      await db.query(`UPDATE jobs SET status = $3, started_at = now() WHERE cluster_name = $1 AND job_id = $2`, [name, jobId, JobStatus.Running]);
      await new Promise((r) => setTimeout(r, 5)); // distinct submitted_at: oldest first
    }
    const config = loadLogsConfig({ SKYPORT_DATABASE_URL: database.url, SKYPORT_REDIS_URL: 'redis://127.0.0.1:1', SKYPORT_GRPC_INSECURE: '1', SKYPORT_LOGS_MAX_JOBS: '2', SKYPORT_LOGS_IDLE_MS: '100' });
    const tailer = new LogTailer(db, config, logger, [sources]);
    try {
      await tailer.scan();
      await waitFor(() => followed.size === 2, 'two jobs followed');
      assert.deepEqual([...followed].sort(), ['cap-a', 'cap-b']);
      const warning = warnings.find((w) => w.waiting !== undefined);
      assert.deepEqual(warning && { tailing: warning.tailing, waiting: warning.waiting, max: warning.max }, { tailing: 2, waiting: 1, max: 2 });

      // The oldest job's cluster is gone (its streams are closed): the waiting job gets the slot.
      await db.query(`UPDATE jobs SET status = $2, ended_at = now() WHERE cluster_name = $1`, ['cap-a', JobStatus.Cancelled]);
      await db.query(`UPDATE log_streams SET done = true WHERE cluster_name = $1`, ['cap-a']);
      await db.query(`INSERT INTO log_streams (cluster_name, job_id, stream, done) VALUES ('cap-a', 1, 'setup', true), ('cap-a', 1, 'job', true) ON CONFLICT DO NOTHING`);
      await waitFor(async () => {
        await tailer.scan();
        return followed.has('cap-c');
      }, 'the waiting job followed once a slot freed');
    } finally {
      await tailer.onApplicationShutdown();
    }
  });
});

async function waitFor(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
