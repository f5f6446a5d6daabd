import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The W3C trace context of the transaction that wrote an outbox row, so the job it becomes continues that trace. */
export class OutboxTraceContext1796900000000 implements MigrationInterface {
  name = 'OutboxTraceContext1796900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "outbox" ADD COLUMN IF NOT EXISTS "trace_context" jsonb`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "outbox" DROP COLUMN IF EXISTS "trace_context"`);
  }
}
