import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from 'pg';
import { createTestDatabase } from '@skyport/dev-stack';
import { createDataSource, runMigrations } from './data-source';
import { ALL_MIGRATIONS } from './migrations';
import { ManagedJobTasks1797700000000 } from './migrations/1797700000000-managed-job-tasks';

/**
 * The managed job pipelines migration on a database that already holds managed jobs (made before it): each job
 * gets its one task row from the job row, and the job's current task is 0.
 */
describe('managed job tasks migration (real Postgres)', () => {
  let db: { url: string; drop: () => Promise<void> };

  before(async () => {
    db = await createTestDatabase('mj_tasks_migration');
  });
  after(async () => {
    await db?.drop();
  });

  it('a job made before pipelines gets its one task row (status, cluster, counters, task id, placement, secrets)', async () => {
    const before = ALL_MIGRATIONS.slice(0, ALL_MIGRATIONS.indexOf(ManagedJobTasks1797700000000));
    const old = createDataSource(db.url, { migrations: before });
    await old.initialize();
    try {
      await old.runMigrations({ transaction: 'each' });
      await old.query(
        `INSERT INTO managed_jobs (name, owner, team, status, task, sealed_secrets, launch_options, recovery, recovery_count, restart_count, attempt, task_id, cluster_name, cluster_job_id, failure_reason, started_at)
         VALUES ('old', 'u1', 'red', 'RUNNING', '{"run": "sleep 1"}', 'sealed', '{"placement": {"namespaces": []}}', '{"strategy": "FAILOVER", "maxRestartsOnErrors": 1, "recoverOnExitCodes": []}',
                 2, 1, 4, 'sky-managed-x_old_1', 'sky-jobs-1-4', 1, NULL, now())`,
      );
    } finally {
      await old.destroy();
    }
    assert.ok((await runMigrations(db.url)).includes('ManagedJobTasks1797700000000'));
    const client = new Client({ connectionString: db.url });
    await client.connect();
    try {
      const job = await client.query('SELECT current_task FROM managed_jobs');
      assert.deepEqual(job.rows, [{ current_task: 0 }]);
      const tasks = await client.query(
        'SELECT task_index, name, status, task, task_id, cluster_name, cluster_job_id, recovery_count, restart_count, placement, sealed_secrets, recovery FROM managed_job_tasks',
      );
      assert.deepEqual(tasks.rows, [
        {
          task_index: 0,
          name: 'old',
          status: 'RUNNING',
          task: { run: 'sleep 1' },
          task_id: 'sky-managed-x_old_1',
          cluster_name: 'sky-jobs-1-4',
          cluster_job_id: 1,
          recovery_count: 2,
          restart_count: 1,
          placement: { namespaces: [] },
          sealed_secrets: 'sealed',
          recovery: { strategy: 'FAILOVER', maxRestartsOnErrors: 1, recoverOnExitCodes: [] },
        },
      ]);
      // Down and up again: the migration is reversible and its backfill runs again.
      const ds = createDataSource(db.url);
      await ds.initialize();
      const runner = ds.createQueryRunner();
      try {
        await new ManagedJobTasks1797700000000().down(runner);
        assert.equal((await runner.query(`SELECT to_regclass('managed_job_tasks') AS t`))[0].t, null);
        await new ManagedJobTasks1797700000000().up(runner);
      } finally {
        await runner.release();
        await ds.destroy();
      }
      assert.equal((await client.query('SELECT count(*)::int AS n FROM managed_job_tasks')).rows[0].n, 1);
    } finally {
      await client.end();
    }
  });
});
