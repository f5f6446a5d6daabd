import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indexes for the status read path (`GET /v1/clusters`, the dashboard's list) at 10,000+ clusters: a page of live
 * clusters by name without walking the TERMINATED history, a page of one owner's clusters by name (a team is read
 * owner by owner and merged), and a team's users.
 */
export class ClusterStatusIndexes1795863468999 implements MigrationInterface {
  name = 'ClusterStatusIndexes1795863468999';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX "clusters_live_name" ON "clusters" ("name") WHERE "status" <> 'TERMINATED'`);
    await queryRunner.query(`CREATE INDEX "clusters_live_owner_name" ON "clusters" ("owner", "name") WHERE "status" <> 'TERMINATED'`);
    await queryRunner.query(`CREATE INDEX "clusters_owner_name" ON "clusters" ("owner", "name")`);
    await queryRunner.query(`CREATE INDEX "users_team" ON "users" ("team")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX IF EXISTS "users_team"`);
    await queryRunner.query(`DROP INDEX IF EXISTS "clusters_owner_name"`);
    await queryRunner.query(`DROP INDEX IF EXISTS "clusters_live_owner_name"`);
    await queryRunner.query(`DROP INDEX IF EXISTS "clusters_live_name"`);
  }
}
