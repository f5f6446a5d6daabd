import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { DataSource } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '@skyport/dev-stack';
import { createDataSource, runMigrations } from '../data-source';
import { EXPECTED_MIGRATIONS, pendingMigrations, SchemaGate } from './schema-gate';

describe('SchemaGate: a service starts only on its version of the schema (real Postgres)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  before(async () => {
    db = await createTestDatabase('schema_gate');
    ds = await createDataSource(db.url).initialize();
  });
  after(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('on an empty database every migration is pending, and the gate gives up naming what to run', async () => {
    assert.deepEqual(await pendingMigrations(ds), EXPECTED_MIGRATIONS);
    process.env.SKYPORT_SCHEMA_WAIT_SECONDS = '0';
    try {
      await assert.rejects(new SchemaGate(ds).onModuleInit(), new RegExp(`schema is behind this version \\(${EXPECTED_MIGRATIONS.length} migration\\(s\\) not applied, e\\.g\\. ${EXPECTED_MIGRATIONS[0]}\\): run the migrations`));
    } finally {
      delete process.env.SKYPORT_SCHEMA_WAIT_SECONDS;
    }
  });

  it('waits while the migrations run beside it, then lets the service start', async () => {
    const gate = new SchemaGate(ds).onModuleInit();
    await new Promise((r) => setTimeout(r, 300));
    await runMigrations(db.url);
    await gate;
    assert.deepEqual(await pendingMigrations(ds), []);
  });
});
