import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Log streams, offsets and lines; job cancel requests; ssh sessions. */
export class JobRuntime1795853871000 implements MigrationInterface {
  name = 'JobRuntime1795853871000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "log_streams" ("cluster_name" text NOT NULL, "job_id" integer NOT NULL, "stream" text NOT NULL, "next_seq" bigint NOT NULL DEFAULT '1', "done" boolean NOT NULL DEFAULT false, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_085e013b3679c0eb1241a23f9a9" PRIMARY KEY ("cluster_name", "job_id", "stream"))`);
    await queryRunner.query(`CREATE TABLE "log_offsets" ("cluster_name" text NOT NULL, "job_id" integer NOT NULL, "stream" text NOT NULL, "node_rank" integer NOT NULL, "offset" bigint NOT NULL DEFAULT '0', "skipping" boolean NOT NULL DEFAULT false, CONSTRAINT "PK_4b688e052f5595403b6f4d349b7" PRIMARY KEY ("cluster_name", "job_id", "stream", "node_rank"))`);
    await queryRunner.query(`CREATE TABLE "log_lines" ("cluster_name" text NOT NULL, "job_id" integer NOT NULL, "stream" text NOT NULL, "seq" bigint NOT NULL, "node_rank" integer NOT NULL, "text" text NOT NULL, "at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_f3739440d077da31e43f43692f8" PRIMARY KEY ("cluster_name", "job_id", "stream", "seq"))`);
    await queryRunner.query(`CREATE TABLE "job_cancel_requests" ("cluster_name" text NOT NULL, "job_id" integer NOT NULL, "request_id" uuid, "requested_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_3b9a58b983e4916d07359252fa9" PRIMARY KEY ("cluster_name", "job_id"))`);
    await queryRunner.query(`CREATE TABLE "ssh_sessions" ("id" uuid NOT NULL, "cluster_name" text NOT NULL, "node_rank" integer NOT NULL DEFAULT '0', "owner" text NOT NULL DEFAULT 'anonymous', "mode" text NOT NULL, "opened_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "heartbeat_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "closed_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_5dd8f329b970c56cb67169a94f7" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "ssh_sessions_open" ON "ssh_sessions" ("cluster_name") WHERE "closed_at" IS NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE IF EXISTS "ssh_sessions"`);
    await queryRunner.query(`DROP TABLE IF EXISTS "job_cancel_requests"`);
    await queryRunner.query(`DROP TABLE IF EXISTS "log_lines"`);
    await queryRunner.query(`DROP TABLE IF EXISTS "log_offsets"`);
    await queryRunner.query(`DROP TABLE IF EXISTS "log_streams"`);
  }
}
