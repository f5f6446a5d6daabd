import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Requests, outbox, clusters, jobs, events, plans, attempts and request secrets. */
export class InitialSchema1764316800000 implements MigrationInterface {
  name = 'InitialSchema1764316800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "attempts" ("id" BIGSERIAL NOT NULL, "request_id" uuid NOT NULL, "cluster_name" text NOT NULL, "candidate_id" text NOT NULL, "outcome" text NOT NULL, "reason" text, "started_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "ended_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_295ca261e361fd2fd217754dcac" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "attempts_request" ON "attempts" ("request_id")`);
    await queryRunner.query(`CREATE TABLE "clusters" ("name" text NOT NULL, "status" text NOT NULL, "owner" text NOT NULL DEFAULT 'anonymous', "infra" text, "namespace" text, "instance_type" text, "num_nodes" integer NOT NULL DEFAULT '1', "task" jsonb, "request_id" uuid, "autostop_minutes" integer, "autostop_down" boolean NOT NULL DEFAULT false, "status_reason" text, "last_activity_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_9866753a0c6ffd4adebb5cc236b" PRIMARY KEY ("name"))`);
    await queryRunner.query(`CREATE TABLE "events" ("id" BIGSERIAL NOT NULL, "request_id" uuid, "cluster_name" text, "job_id" integer, "type" text NOT NULL, "message" text NOT NULL, "source" text NOT NULL, "data" jsonb, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_40731c7151fe4be3116e45ddf73" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "events_cluster" ON "events" ("cluster_name", "id")`);
    await queryRunner.query(`CREATE INDEX "events_request" ON "events" ("request_id", "id")`);
    await queryRunner.query(`CREATE TABLE "jobs" ("id" BIGSERIAL NOT NULL, "cluster_name" text NOT NULL, "job_id" integer NOT NULL, "name" text, "status" text NOT NULL, "request_id" uuid, "task" jsonb NOT NULL, "submitted_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "started_at" TIMESTAMP WITH TIME ZONE, "ended_at" TIMESTAMP WITH TIME ZONE, "exit_codes" integer array, CONSTRAINT "PK_cf0a6c42b72fcc7f7c237def345" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "jobs_cluster_job" ON "jobs" ("cluster_name", "job_id")`);
    await queryRunner.query(`CREATE TABLE "outbox" ("id" BIGSERIAL NOT NULL, "queue" text NOT NULL, "job_id" text NOT NULL, "payload" jsonb NOT NULL, "delay_ms" integer NOT NULL DEFAULT '0', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "published_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_340ab539f309f03bdaa14aa7649" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "outbox_unpublished" ON "outbox" ("id") WHERE "published_at" IS NULL`);
    await queryRunner.query(`CREATE TABLE "plans" ("id" uuid NOT NULL, "request_id" uuid NOT NULL, "cluster_name" text NOT NULL, "plan" jsonb NOT NULL, "chosen_index" integer NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_3720521a81c7c24fe9b7202ba61" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "plans_request" ON "plans" ("request_id")`);
    await queryRunner.query(`CREATE TABLE "request_secrets" ("request_id" uuid NOT NULL, "values" jsonb NOT NULL, CONSTRAINT "PK_9b8d1722af6e45e75abf5679f8d" PRIMARY KEY ("request_id"))`);
    await queryRunner.query(`CREATE TABLE "requests" ("id" uuid NOT NULL, "kind" text NOT NULL, "status" text NOT NULL, "cluster_name" text NOT NULL, "job_id" integer, "owner" text NOT NULL DEFAULT 'anonymous', "idempotency_key" text, "body_hash" text NOT NULL, "payload" jsonb NOT NULL, "error_code" text, "error_message" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_0428f484e96f9e6a55955f29b5f" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "requests_idempotency_key" ON "requests" ("owner", "idempotency_key") WHERE "idempotency_key" IS NOT NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE IF EXISTS "requests"`);
    await queryRunner.query(`DROP TABLE IF EXISTS "request_secrets"`);
    await queryRunner.query(`DROP TABLE IF EXISTS "plans"`);
    await queryRunner.query(`DROP TABLE IF EXISTS "outbox"`);
    await queryRunner.query(`DROP TABLE IF EXISTS "jobs"`);
    await queryRunner.query(`DROP TABLE IF EXISTS "events"`);
    await queryRunner.query(`DROP TABLE IF EXISTS "clusters"`);
    await queryRunner.query(`DROP TABLE IF EXISTS "attempts"`);
  }
}
