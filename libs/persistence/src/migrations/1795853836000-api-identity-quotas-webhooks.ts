import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The api's tables: teams, users, tokens, namespaces, quotas, audit log, launch queue, idempotency keys, webhooks. */
export class ApiIdentityQuotasWebhooks1795853836000 implements MigrationInterface {
  name = 'ApiIdentityQuotasWebhooks1795853836000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "api_cursors" ("name" text NOT NULL, "event_id" bigint NOT NULL, CONSTRAINT "PK_f594b5182d2533ef8a1a11e2618" PRIMARY KEY ("name"))`);
    await queryRunner.query(`CREATE TABLE "api_tokens" ("id" uuid NOT NULL, "user_id" uuid NOT NULL, "name" text NOT NULL, "token_hash" text NOT NULL, "prefix" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "expires_at" TIMESTAMP WITH TIME ZONE, "revoked_at" TIMESTAMP WITH TIME ZONE, "last_used_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_c587455266b5fa8dace7194caac" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "api_tokens_user" ON "api_tokens" ("user_id")`);
    await queryRunner.query(`CREATE UNIQUE INDEX "api_tokens_hash" ON "api_tokens" ("token_hash")`);
    await queryRunner.query(`CREATE TABLE "audit_log" ("id" BIGSERIAL NOT NULL, "at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "actor_id" uuid, "actor_name" text, "token_id" uuid, "method" text NOT NULL, "path" text NOT NULL, "result" text NOT NULL, "status_code" integer NOT NULL, "ip" text, "user_agent" text, CONSTRAINT "PK_07fefa57f7f5ab8fc3f52b3ed0b" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "audit_log_actor" ON "audit_log" ("actor_id", "id")`);
    await queryRunner.query(`CREATE TABLE "idempotency_keys" ("principal" text NOT NULL, "key" text NOT NULL, "method" text NOT NULL, "path" text NOT NULL, "body_hash" text NOT NULL, "status_code" integer, "response" jsonb, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_574edfb9ce98100b66a0a2e0f34" PRIMARY KEY ("principal", "key"))`);
    await queryRunner.query(`CREATE TABLE "launch_queue" ("id" BIGSERIAL NOT NULL, "request_id" uuid NOT NULL, "cluster_name" text NOT NULL, "team" text NOT NULL, "priority" integer NOT NULL DEFAULT '0', "demand" jsonb NOT NULL, "state" text NOT NULL, "reason" text, "enqueued_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "admitted_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_81ceebc4e6064aa967380771860" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "launch_queue_waiting" ON "launch_queue" ("team", "priority", "id") WHERE "state" = 'queued'`);
    await queryRunner.query(`CREATE UNIQUE INDEX "launch_queue_request" ON "launch_queue" ("request_id")`);
    await queryRunner.query(`CREATE TABLE "team_namespaces" ("team" text NOT NULL, "context" text NOT NULL, "namespace" text NOT NULL, CONSTRAINT "PK_8fb43900db1abcd4d0484c74e59" PRIMARY KEY ("team", "context", "namespace"))`);
    await queryRunner.query(`CREATE TABLE "team_quotas" ("team" text NOT NULL, "max_cpus" double precision, "max_memory_gb" double precision, "max_gpus" jsonb, "max_clusters" integer, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_ba4500920984516e2dc07156c2b" PRIMARY KEY ("team"))`);
    await queryRunner.query(`CREATE TABLE "teams" ("name" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_48c0c32e6247a2de155baeaf980" PRIMARY KEY ("name"))`);
    await queryRunner.query(`CREATE TABLE "users" ("id" uuid NOT NULL, "name" text NOT NULL, "role" text NOT NULL, "kind" text NOT NULL DEFAULT 'user', "team" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "disabled_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_a3ffb1c0c8416b9fc6f907b7433" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "users_name" ON "users" ("name")`);
    await queryRunner.query(`CREATE TABLE "webhook_deliveries" ("id" BIGSERIAL NOT NULL, "webhook_id" uuid NOT NULL, "event_id" bigint NOT NULL, "state" text NOT NULL, "attempts" integer NOT NULL DEFAULT '0', "next_attempt_at" TIMESTAMP WITH TIME ZONE NOT NULL, "last_status" integer, "last_error" text, "log" jsonb NOT NULL DEFAULT '[]', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "delivered_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_535dd409947fb6d8fc6dfc0112a" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "webhook_deliveries_due" ON "webhook_deliveries" ("next_attempt_at") WHERE "state" = 'pending'`);
    await queryRunner.query(`CREATE UNIQUE INDEX "webhook_deliveries_event" ON "webhook_deliveries" ("webhook_id", "event_id")`);
    await queryRunner.query(`CREATE TABLE "webhooks" ("id" uuid NOT NULL, "team" text, "url" text NOT NULL, "secret" text NOT NULL, "event_types" text array NOT NULL DEFAULT '{}', "created_by" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "disabled_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_9e8795cfc899ab7bdaa831e8527" PRIMARY KEY ("id"))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE IF EXISTS "webhooks"`);
    await queryRunner.query(`DROP TABLE IF EXISTS "webhook_deliveries"`);
    await queryRunner.query(`DROP TABLE IF EXISTS "users"`);
    await queryRunner.query(`DROP TABLE IF EXISTS "teams"`);
    await queryRunner.query(`DROP TABLE IF EXISTS "team_quotas"`);
    await queryRunner.query(`DROP TABLE IF EXISTS "team_namespaces"`);
    await queryRunner.query(`DROP TABLE IF EXISTS "launch_queue"`);
    await queryRunner.query(`DROP TABLE IF EXISTS "idempotency_keys"`);
    await queryRunner.query(`DROP TABLE IF EXISTS "audit_log"`);
    await queryRunner.query(`DROP TABLE IF EXISTS "api_tokens"`);
    await queryRunner.query(`DROP TABLE IF EXISTS "api_cursors"`);
  }
}
