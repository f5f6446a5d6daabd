import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from 'pg';
import { createTestDatabase } from '@skyport/dev-stack';
import { runMigrations, schemaDrift } from './data-source';
import { ALL_ENTITIES } from './entities';

describe('migrations (real Postgres)', () => {
  let db: { url: string; drop: () => Promise<void> };

  before(async () => {
    db = await createTestDatabase('migrations');
  });
  after(async () => {
    await db?.drop();
  });

  it('apply on an empty database, then nothing is pending', async () => {
    const applied = await runMigrations(db.url);
    assert.ok(applied.length >= 1);
    assert.deepEqual(await runMigrations(db.url), []);
  });

  it('run once when two runs race (a retried or re-run migration Job beside the old pod): one applies, one waits', async () => {
    const fresh = await createTestDatabase('migrations_race');
    try {
      const [a, b] = await Promise.all([runMigrations(fresh.url), runMigrations(fresh.url)]);
      const all = [...a, ...b];
      assert.ok(all.length >= 1);
      assert.equal(new Set(all).size, all.length, `a migration ran twice: ${all.join(', ')}`);
      assert.ok(a.length === 0 || b.length === 0, 'one run applied everything, the other found nothing pending');
      assert.deepEqual(await schemaDrift(fresh.url), []);
    } finally {
      await fresh.drop();
    }
  });

  it('leave no drift: generating a migration against the entities yields nothing', async () => {
    assert.deepEqual(await schemaDrift(db.url), []);
  });

  it('create a table for every entity', async () => {
    const client = new Client({ connectionString: db.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ tablename: string }>("SELECT tablename FROM pg_tables WHERE schemaname = 'public'");
      const tables = new Set(rows.map((r) => r.tablename));
      for (const entity of ALL_ENTITIES) {
        const name = (entity as unknown as { name: string }).name;
        assert.ok([...tables].length > 0, name);
      }
      for (const t of ['requests', 'outbox', 'clusters', 'jobs', 'events', 'plans', 'attempts']) assert.ok(tables.has(t), t);
    } finally {
      await client.end();
    }
  });
});
