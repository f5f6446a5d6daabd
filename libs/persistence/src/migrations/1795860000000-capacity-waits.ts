import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Launches waiting for Kubernetes capacity, in one FIFO order (optimizer). */
export class CapacityWaits1795860000000 implements MigrationInterface {
  name = 'CapacityWaits1795860000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "capacity_waits" ("request_id" uuid NOT NULL, "cluster_name" text NOT NULL, "team" text, "priority" integer NOT NULL DEFAULT '0', "arrived_at" TIMESTAMP WITH TIME ZONE NOT NULL, "contexts" jsonb NOT NULL, "reason" text NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_capacity_waits" PRIMARY KEY ("request_id"))`,
    );
    await queryRunner.query(`CREATE INDEX "capacity_waits_order" ON "capacity_waits" ("priority", "arrived_at")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE IF EXISTS "capacity_waits"`);
  }
}
