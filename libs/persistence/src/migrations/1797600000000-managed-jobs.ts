import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Managed jobs (`skyport jobs launch`): the job, its recovery settings and counters, and the cluster it runs on now. */
export class ManagedJobs1797600000000 implements MigrationInterface {
  name = 'ManagedJobs1797600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE IF NOT EXISTS "managed_jobs" (
        "id" SERIAL NOT NULL,
        "name" text,
        "owner" text NOT NULL,
        "team" text,
        "status" text NOT NULL,
        "task" jsonb NOT NULL,
        "sealed_secrets" text,
        "launch_options" jsonb NOT NULL DEFAULT '{}',
        "recovery" jsonb NOT NULL,
        "recovery_count" integer NOT NULL DEFAULT 0,
        "restart_count" integer NOT NULL DEFAULT 0,
        "attempt" integer NOT NULL DEFAULT 0,
        "task_id" text NOT NULL,
        "cluster_name" text,
        "cluster_request_id" uuid,
        "cluster_job_id" integer,
        "failure_reason" text,
        "submitted_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "started_at" TIMESTAMP WITH TIME ZONE,
        "ended_at" TIMESTAMP WITH TIME ZONE,
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_managed_jobs_id" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX IF NOT EXISTS "IDX_managed_jobs_status" ON "managed_jobs" ("status")`);
    await queryRunner.query(`CREATE INDEX IF NOT EXISTS "IDX_managed_jobs_team" ON "managed_jobs" ("team")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE IF EXISTS "managed_jobs"`);
  }
}
