import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Stoppable cloud clusters: when a cluster was stopped (null while it runs) and how long it has been stopped
 * before, so the cost report bills only the time its VMs ran. The status column is plain text: STOPPED needs no
 * constraint change.
 */
export class ClusterStop1797500000000 implements MigrationInterface {
  name = 'ClusterStop1797500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "clusters" ADD COLUMN IF NOT EXISTS "stopped_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "clusters" ADD COLUMN IF NOT EXISTS "stopped_seconds" integer NOT NULL DEFAULT 0`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "clusters" DROP COLUMN IF EXISTS "stopped_seconds"`);
    await queryRunner.query(`ALTER TABLE "clusters" DROP COLUMN IF EXISTS "stopped_at"`);
  }
}
