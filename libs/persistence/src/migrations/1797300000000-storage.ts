import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Buckets Skyport created for a task's named storage (`skyport storage ls|delete`, SkyPilot's `sky storage`). */
export class Storage1797300000000 implements MigrationInterface {
  name = 'Storage1797300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE IF NOT EXISTS "storage" ("name" text NOT NULL, "store" text NOT NULL, "source" text, "persistent" boolean NOT NULL DEFAULT true, "cluster_name" text, "status" text NOT NULL, "team" text, "owner" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_storage_name" PRIMARY KEY ("name"))`,
    );
    await queryRunner.query(`CREATE INDEX IF NOT EXISTS "IDX_storage_team" ON "storage" ("team")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE IF EXISTS "storage"`);
  }
}
