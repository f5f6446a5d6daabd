import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Managed job pipelines: a row per task (its status, cluster and counters) and the job's current task. Jobs made
 * before this get their one task from the job row, so every job has at least one task row.
 */
export class ManagedJobTasks1797700000000 implements MigrationInterface {
  name = 'ManagedJobTasks1797700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "managed_jobs" ADD COLUMN IF NOT EXISTS "current_task" integer NOT NULL DEFAULT 0`);
    await queryRunner.query(
      `CREATE TABLE IF NOT EXISTS "managed_job_tasks" (
        "job_id" integer NOT NULL,
        "task_index" integer NOT NULL,
        "name" text,
        "task" jsonb NOT NULL,
        "recovery" jsonb NOT NULL,
        "placement" jsonb,
        "sealed_secrets" text,
        "status" text NOT NULL,
        "task_id" text NOT NULL,
        "cluster_name" text,
        "cluster_job_id" integer,
        "recovery_count" integer NOT NULL DEFAULT 0,
        "restart_count" integer NOT NULL DEFAULT 0,
        "failure_reason" text,
        "started_at" TIMESTAMP WITH TIME ZONE,
        "ended_at" TIMESTAMP WITH TIME ZONE,
        CONSTRAINT "PK_managed_job_tasks" PRIMARY KEY ("job_id", "task_index"))`,
    );
    await queryRunner.query(
      `INSERT INTO "managed_job_tasks" ("job_id", "task_index", "name", "task", "recovery", "placement", "sealed_secrets", "status", "task_id", "cluster_name", "cluster_job_id",
                                        "recovery_count", "restart_count", "failure_reason", "started_at", "ended_at")
       SELECT "id", 0, "name", "task", "recovery", "launch_options"->'placement', "sealed_secrets", "status", "task_id", "cluster_name", "cluster_job_id",
              "recovery_count", "restart_count", "failure_reason", "started_at", "ended_at"
         FROM "managed_jobs"
       ON CONFLICT DO NOTHING`,
    );
    // `jobs logs --controller` reads a job's events by its id; those before its first cluster have no cluster name.
    await queryRunner.query(`CREATE INDEX IF NOT EXISTS "IDX_events_managed_job" ON "events" ((data->>'managedJobId')) WHERE data ? 'managedJobId'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX IF EXISTS "IDX_events_managed_job"`);
    await queryRunner.query(`DROP TABLE IF EXISTS "managed_job_tasks"`);
    await queryRunner.query(`ALTER TABLE "managed_jobs" DROP COLUMN IF EXISTS "current_task"`);
  }
}
