import type { MigrationInterface, QueryRunner } from 'typeorm';

// As the entity declares them: TypeORM compares its `asExpression` with the text kept in typeorm_metadata.
const STATUS = `CASE WHEN "intent" = 'down' AND "phase" <> 'TERMINATED' THEN 'TEARING_DOWN' WHEN "intent" = 'stop' AND "phase" = 'UP' THEN 'STOPPED' ELSE "phase" END`;
const STATUS_REASON = `CASE WHEN ("intent" = 'down' AND "phase" <> 'TERMINATED') OR ("intent" = 'stop' AND "phase" = 'UP') THEN "intent_reason" ELSE "phase_reason" END`;

/**
 * One writer for a cluster's status (issue 23): the column the provisioner writes becomes `phase`; a `down` or
 * `stop` accepted by the api or autodown is written as the cluster's `intent` (with its reason) instead of a
 * status; and `status` and `status_reason`, which every reader already uses, are computed by Postgres from the
 * two, so no service can write them (`status_reason` becomes `phase_reason`, the provisioner's). The rule is `effectiveClusterStatus` in the contracts. The partial indexes on `status` are rebuilt on
 * the computed column.
 */
export class ClusterPhaseIntent1797800000000 implements MigrationInterface {
  name = 'ClusterPhaseIntent1797800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX IF EXISTS "clusters_live_owner_name"`);
    await queryRunner.query(`DROP INDEX IF EXISTS "clusters_live_name"`);
    await queryRunner.query(`ALTER TABLE "clusters" RENAME COLUMN "status" TO "phase"`);
    await queryRunner.query(`ALTER TABLE "clusters" RENAME COLUMN "status_reason" TO "phase_reason"`);
    await queryRunner.query(`ALTER TABLE "clusters" ADD COLUMN "intent" text`);
    await queryRunner.query(`ALTER TABLE "clusters" ADD COLUMN "intent_reason" text`);
    await queryRunner.query(`ALTER TABLE "clusters" ADD COLUMN "status" text GENERATED ALWAYS AS (${STATUS}) STORED NOT NULL`);
    await queryRunner.query(`ALTER TABLE "clusters" ADD COLUMN "status_reason" text GENERATED ALWAYS AS (${STATUS_REASON}) STORED`);
    // TypeORM keeps generated columns' expressions here (it creates the table itself when its entities need it).
    await queryRunner.query(
      `CREATE TABLE IF NOT EXISTS "typeorm_metadata" ("type" varchar NOT NULL, "database" varchar, "schema" varchar, "table" varchar, "name" varchar, "value" text)`,
    );
    for (const [name, value] of [['status', STATUS], ['status_reason', STATUS_REASON]]) {
      await queryRunner.query(
        `INSERT INTO "typeorm_metadata" ("database", "schema", "table", "type", "name", "value") VALUES (current_database(), current_schema(), 'clusters', 'GENERATED_COLUMN', $1, $2)`,
        [name, value],
      );
    }
    await queryRunner.query(`CREATE INDEX "clusters_live_name" ON "clusters" ("name") WHERE "status" <> 'TERMINATED'`);
    await queryRunner.query(`CREATE INDEX "clusters_live_owner_name" ON "clusters" ("owner", "name") WHERE "status" <> 'TERMINATED'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX IF EXISTS "clusters_live_owner_name"`);
    await queryRunner.query(`DROP INDEX IF EXISTS "clusters_live_name"`);
    await queryRunner.query(`DELETE FROM "typeorm_metadata" WHERE "table" = 'clusters' AND "type" = 'GENERATED_COLUMN' AND "name" IN ('status', 'status_reason')`);
    // The computed status is what readers saw: keep it as the plain column again.
    await queryRunner.query(`UPDATE "clusters" SET "phase" = "status", "phase_reason" = "status_reason" WHERE "phase" <> "status"`);
    await queryRunner.query(`ALTER TABLE "clusters" DROP COLUMN "status_reason"`);
    await queryRunner.query(`ALTER TABLE "clusters" DROP COLUMN "status"`);
    await queryRunner.query(`ALTER TABLE "clusters" DROP COLUMN "intent_reason"`);
    await queryRunner.query(`ALTER TABLE "clusters" DROP COLUMN "intent"`);
    await queryRunner.query(`ALTER TABLE "clusters" RENAME COLUMN "phase_reason" TO "status_reason"`);
    await queryRunner.query(`ALTER TABLE "clusters" RENAME COLUMN "phase" TO "status"`);
    await queryRunner.query(`CREATE INDEX "clusters_live_name" ON "clusters" ("name") WHERE "status" <> 'TERMINATED'`);
    await queryRunner.query(`CREATE INDEX "clusters_live_owner_name" ON "clusters" ("owner", "name") WHERE "status" <> 'TERMINATED'`);
  }
}
