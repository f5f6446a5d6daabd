import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { createTestDatabase } from '@skyport/dev-stack';
import { createDataSource, runMigrations } from '../data-source';
import { SealedRequestSecrets1796548319626 } from '../migrations/1796548319626-sealed-request-secrets';
import { openSecrets } from './secret-box';
import { readRequestSecrets, storeRequestSecrets } from './request-secrets';

describe('request secrets at rest (real Postgres)', () => {
  let db: { url: string; drop: () => Promise<void> };
  const ds = () => createDataSource(db.url);
  const savedKey = process.env.SKYPORT_SECRETS_KEY;

  before(async () => {
    db = await createTestDatabase('sealed_secrets');
    await runMigrations(db.url);
  });
  after(async () => {
    if (savedKey === undefined) delete process.env.SKYPORT_SECRETS_KEY;
    else process.env.SKYPORT_SECRETS_KEY = savedKey;
    await db?.drop();
  });

  /** The table as an older version left it (plaintext values), with one row, then the migration again. */
  async function migrateFromPlaintext(key: string | undefined): Promise<{ id: string; rows: Array<Record<string, unknown>> }> {
    const source = await ds().initialize();
    const runner = source.createQueryRunner();
    try {
      const migration = new SealedRequestSecrets1796548319626();
      await migration.down(runner);
      const id = randomUUID();
      await runner.query(`INSERT INTO request_secrets (request_id, "values") VALUES ($1, $2)`, [id, JSON.stringify({ TOKEN: 'plaintext-token-123' })]);
      if (key === undefined) delete process.env.SKYPORT_SECRETS_KEY;
      else process.env.SKYPORT_SECRETS_KEY = key;
      await migration.up(runner);
      return { id, rows: await runner.query('SELECT * FROM request_secrets') };
    } finally {
      await runner.release();
      await source.destroy();
    }
  }

  it('the migration seals plaintext rows when it has the key', async () => {
    const key = randomBytes(32);
    const { id, rows } = await migrateFromPlaintext(key.toString('base64'));
    assert.equal(rows.length, 1);
    assert.ok(!JSON.stringify(rows).includes('plaintext-token-123'));
    assert.deepEqual(openSecrets(key, id, rows[0].sealed as string), { TOKEN: 'plaintext-token-123' });
  });

  it('…and deletes them when it has none', async () => {
    const { rows } = await migrateFromPlaintext(undefined);
    assert.deepEqual(rows, []);
  });

  it('stored values are sealed and open only with the key', async () => {
    const key = randomBytes(32);
    const source = await ds().initialize();
    try {
      const id = randomUUID();
      await storeRequestSecrets(source.manager, key, id, { API_KEY: 'sk-live-abcdef' });
      assert.ok(!JSON.stringify(await source.query('SELECT * FROM request_secrets')).includes('sk-live-abcdef'));
      assert.deepEqual(await readRequestSecrets(source.manager, id, key), { API_KEY: 'sk-live-abcdef' });
      await assert.rejects(readRequestSecrets(source.manager, id, undefined), /SKYPORT_SECRETS_KEY is not set/);
      await assert.rejects(readRequestSecrets(source.manager, id, randomBytes(32)), (e: Error) => !e.message.includes('sk-live'));
      assert.deepEqual(await readRequestSecrets(source.manager, randomUUID(), key), {}, 'no row: no secrets');
    } finally {
      await source.destroy();
    }
  });
});
