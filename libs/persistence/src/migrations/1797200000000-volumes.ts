import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Volumes (`skyport volumes apply|ls|delete`, SkyPilot's k8s-pvc volumes) and the team quota on their size. */
export class Volumes1797200000000 implements MigrationInterface {
  name = 'Volumes1797200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE IF NOT EXISTS "volumes" ("name" text NOT NULL, "type" text NOT NULL, "context" text NOT NULL, "namespace" text NOT NULL, "size" text, "size_gb" double precision, "storage_class" text, "access_mode" text NOT NULL, "use_existing" boolean NOT NULL DEFAULT false, "phase" text NOT NULL, "team" text, "owner" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_32f5e93b47ac4329428abc2f1a6" PRIMARY KEY ("name"))`,
    );
    await queryRunner.query(`CREATE INDEX IF NOT EXISTS "IDX_b6c1fb5f27dd1ac57744b5125f" ON "volumes" ("team")`);
    await queryRunner.query(`ALTER TABLE "team_quotas" ADD COLUMN IF NOT EXISTS "max_storage_gb" double precision`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "team_quotas" DROP COLUMN IF EXISTS "max_storage_gb"`);
    await queryRunner.query(`DROP TABLE IF EXISTS "volumes"`);
  }
}
