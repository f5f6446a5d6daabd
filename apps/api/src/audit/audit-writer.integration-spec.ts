import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { DataSource } from 'typeorm';
import { AuditWriter, type AuditRow } from './audit-writer';
import { migratedTestDatabase, type MigratedTestDatabase } from '@skyport/persistence/testing';

const row = (i: number): AuditRow => ({
  at: new Date(Date.UTC(2026, 0, 1, 0, 0, i)),
  actorId: null,
  actorName: `actor-${i}`,
  tokenId: null,
  method: 'POST',
  path: `/v1/clusters/c${i}/launch`,
  result: i % 2 ? 'ok' : 'NOT_FOUND',
  statusCode: i % 2 ? 202 : 404,
  ip: '127.0.0.1',
  userAgent: null,
});

/** Group commit of audit rows against real Postgres: every row written, in order, in fewer statements under load. */
describe('audit writer (real Postgres)', () => {
  let db: MigratedTestDatabase;
  let ds: DataSource;

  before(async () => {
    db = await migratedTestDatabase('api_audit_writer');
    ds = db.ds;
  });
  after(async () => {
    await db?.drop();
  });

  const waitRows = async (n: number): Promise<Array<{ actor_name: string; at: Date; path: string; result: string; status_code: number; ip: string }>> => {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const rows = await ds.query('SELECT actor_name, at, path, result, status_code, ip FROM audit_log ORDER BY id');
      if (rows.length >= n) return rows;
      assert.ok(Date.now() < deadline, `${rows.length} of ${n} audit rows written`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  it('writes a burst of rows as a few multi-row statements, each row as given and in order', async () => {
    const statements: string[] = [];
    const counted = { query: (sql: string, params: unknown[]) => (statements.push(sql), ds.query(sql, params)) } as unknown as DataSource;
    const writer = new AuditWriter(counted, (error) => assert.fail(String(error)));
    for (let i = 0; i < 120; i++) writer.add(row(i));
    const rows = await waitRows(120);
    assert.equal(rows.length, 120);
    assert.deepEqual(rows.map((r) => r.actor_name), Array.from({ length: 120 }, (_, i) => `actor-${i}`));
    assert.deepEqual(rows[3], { actor_name: 'actor-3', at: row(3).at, path: '/v1/clusters/c3/launch', result: 'ok', status_code: 202, ip: '127.0.0.1' });
    // The first row goes alone (nothing was in flight); the 119 that came meanwhile go together.
    assert.equal(statements.length, 2, statements.join('\n'));
  });

  it('a failed batch is reported and the rows after it are still written', async () => {
    await ds.query('DELETE FROM audit_log');
    const failed: AuditRow[][] = [];
    let fail = true;
    const flaky = {
      query: (sql: string, params: unknown[]) => {
        if (fail) {
          fail = false;
          return Promise.reject(new Error('connection lost'));
        }
        return ds.query(sql, params);
      },
    } as unknown as DataSource;
    const writer = new AuditWriter(flaky, (_error, rows) => failed.push(rows));
    writer.add(row(1));
    writer.add(row(2));
    const rows = await waitRows(1);
    assert.deepEqual(rows.map((r) => r.actor_name), ['actor-2']);
    assert.deepEqual(failed.map((b) => b.map((r) => r.actorName)), [['actor-1']]);
  });

  it('flush resolves only when every row added so far is in the table (the api awaits it before it stops)', async () => {
    await ds.query('DELETE FROM audit_log');
    const writer = new AuditWriter(ds, (error) => assert.fail(String(error)));
    for (let i = 0; i < 50; i++) writer.add(row(i));
    await writer.flush();
    const [{ n }] = await ds.query('SELECT count(*)::int AS n FROM audit_log');
    assert.equal(n, 50);
    await writer.flush(); // nothing pending: resolves at once
  });
});
