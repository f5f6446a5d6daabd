import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Per-team task policies (admin API `PUT /v1/teams/:team/policy`; `DELETE` returns the team to the server config file's). */
export class TeamPolicies1796548552275 implements MigrationInterface {
  name = 'TeamPolicies1796548552275';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "team_policies" ("team" text NOT NULL, "policy" jsonb NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_107774da7f33e211f64f56a8944" PRIMARY KEY ("team"))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE IF EXISTS "team_policies"`);
  }
}
