import type { MigrationInterface, QueryRunner } from 'typeorm';
import { parseSecretsKey, sealSecrets } from '../secrets/secret-box';

/**
 * Request secrets are stored sealed (AES-256-GCM, SKYPORT_SECRETS_KEY) instead of as plaintext JSON. Existing
 * rows are sealed when the migrating process has the key, and deleted otherwise (a secret nobody can protect is
 * better gone: the launches that needed it are long placed, or will fail with a clear error and be relaunched).
 */
export class SealedRequestSecrets1796548319626 implements MigrationInterface {
  name = 'SealedRequestSecrets1796548319626';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "request_secrets" ADD "sealed" text`);
    let key: Buffer | undefined;
    try {
      key = parseSecretsKey(process.env.SKYPORT_SECRETS_KEY);
    } catch {
      key = undefined;
    }
    const rows: Array<{ request_id: string; values: Record<string, string> }> = await queryRunner.query(`SELECT request_id, "values" FROM "request_secrets"`);
    for (const row of rows) {
      if (key) await queryRunner.query(`UPDATE "request_secrets" SET "sealed" = $2 WHERE request_id = $1`, [row.request_id, sealSecrets(key, row.request_id, row.values ?? {})]);
      else await queryRunner.query(`DELETE FROM "request_secrets" WHERE request_id = $1`, [row.request_id]);
    }
    await queryRunner.query(`ALTER TABLE "request_secrets" ALTER COLUMN "sealed" SET NOT NULL`);
    await queryRunner.query(`ALTER TABLE "request_secrets" DROP COLUMN "values"`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // Going back would mean writing plaintext: the rows are dropped instead.
    await queryRunner.query(`DELETE FROM "request_secrets"`);
    await queryRunner.query(`ALTER TABLE "request_secrets" DROP COLUMN "sealed"`);
    await queryRunner.query(`ALTER TABLE "request_secrets" ADD "values" jsonb NOT NULL`);
  }
}
