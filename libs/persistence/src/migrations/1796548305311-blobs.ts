import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Uploaded task files: content-addressed chunks, per-team grants, manifests and the requests that use them. */
export class Blobs1796548305311 implements MigrationInterface {
  name = 'Blobs1796548305311';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "blobs" ("digest" character varying(64) NOT NULL, "size" integer NOT NULL, "data" bytea, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "last_referenced_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_blobs" PRIMARY KEY ("digest"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "blob_grants" ("scope" character varying(200) NOT NULL, "digest" character varying(64) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_blob_grants" PRIMARY KEY ("scope", "digest"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "blob_manifests" ("scope" character varying(200) NOT NULL, "digest" character varying(64) NOT NULL, "body" jsonb NOT NULL, "chunks" text array NOT NULL, "total_bytes" bigint NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "last_referenced_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_blob_manifests" PRIMARY KEY ("scope", "digest"))`,
    );
    await queryRunner.query(`CREATE INDEX "blob_manifests_chunks" ON "blob_manifests" USING GIN ("chunks")`);
    await queryRunner.query(
      `CREATE TABLE "blob_manifest_uses" ("digest" character varying(64) NOT NULL, "request_id" uuid NOT NULL, "scope" character varying(200) NOT NULL, "cluster_name" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_blob_manifest_uses" PRIMARY KEY ("digest", "request_id"))`,
    );
    await queryRunner.query(`CREATE INDEX "blob_manifest_uses_cluster" ON "blob_manifest_uses" ("cluster_name")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE IF EXISTS "blob_manifest_uses"`);
    await queryRunner.query(`DROP TABLE IF EXISTS "blob_manifests"`);
    await queryRunner.query(`DROP TABLE IF EXISTS "blob_grants"`);
    await queryRunner.query(`DROP TABLE IF EXISTS "blobs"`);
  }
}
