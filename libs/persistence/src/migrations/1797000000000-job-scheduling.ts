import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Jobs on one cluster run side by side when their resources fit (SkyPilot's job queue): `scheduled_at` marks a
 * queued job the provisioner admitted (it holds its resources from then on, before its processes start), and
 * `devices` the GPU indices it was given on each node.
 */
export class JobScheduling1797000000000 implements MigrationInterface {
  name = 'JobScheduling1797000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "jobs" ADD COLUMN IF NOT EXISTS "scheduled_at" timestamptz`);
    await queryRunner.query(`ALTER TABLE "jobs" ADD COLUMN IF NOT EXISTS "devices" integer[]`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "jobs" DROP COLUMN IF EXISTS "devices"`);
    await queryRunner.query(`ALTER TABLE "jobs" DROP COLUMN IF EXISTS "scheduled_at"`);
  }
}
