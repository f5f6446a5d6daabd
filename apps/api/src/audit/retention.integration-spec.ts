import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { eventually, startApiUnderTest, type ApiUnderTest } from '../testing/api-harness';
import { sweepRetention } from './retention-sweep';

const DAY = 86_400_000;

describe('retention: audit rows, events and finished requests older than their days go, in batches (real Postgres)', () => {
  let t: ApiUnderTest;
  let db: DataSource;

  async function seed(): Promise<{ oldFinished: string; oldLive: string; fresh: string }> {
    const old = new Date(Date.now() - 40 * DAY);
    for (let i = 0; i < 25; i++) {
      await t.pg.query(`INSERT INTO audit_log (at, method, path, result, status_code) VALUES ($1, 'POST', '/v1/x', 'ok', 200)`, [old]);
      await t.pg.query(`INSERT INTO events (created_at, type, message, source) VALUES ($1, 'test.old', 'old', 'test')`, [old]);
    }
    await t.pg.query(`INSERT INTO audit_log (method, path, result, status_code) VALUES ('POST', '/v1/fresh', 'ok', 200)`);
    await t.pg.query(`INSERT INTO events (type, message, source) VALUES ('test.fresh', 'fresh', 'test')`);
    await t.pg.query(`INSERT INTO clusters (name, phase) VALUES ('gone-c', 'TERMINATED'), ('live-c', 'UP') ON CONFLICT DO NOTHING`);
    const ids = { oldFinished: randomUUID(), oldLive: randomUUID(), fresh: randomUUID() };
    const req = `INSERT INTO requests (id, kind, status, cluster_name, owner, body_hash, payload, updated_at) VALUES ($1, 'launch', $2, $3, 'u', 'h', '{}', $4)`;
    await t.pg.query(req, [ids.oldFinished, 'SUCCEEDED', 'gone-c', old]);
    await t.pg.query(req, [ids.oldLive, 'SUCCEEDED', 'live-c', old]);
    await t.pg.query(req, [ids.fresh, 'FAILED', 'gone-c', new Date()]);
    await t.pg.query(`INSERT INTO request_secrets (request_id, sealed) VALUES ($1, 'v1.x.y.z')`, [ids.oldFinished]);
    return ids;
  }

  before(async () => {
    // The api's own scheduler is off here (0 days everywhere) until the second test starts one with a short interval.
    t = await startApiUnderTest('api_retention', { SKYPORT_RETENTION_AUDIT_DAYS: '0', SKYPORT_RETENTION_EVENTS_DAYS: '0', SKYPORT_RETENTION_REQUESTS_DAYS: '0' });
    db = new DataSource({ type: 'postgres', url: t.dbUrl });
    await db.initialize();
  });

  after(async () => {
    await db?.destroy();
    await t?.stop();
  });

  it('the sweep deletes only what is older than its retention, in bounded batches, and keeps live clusters\' requests', async () => {
    const ids = await seed();
    const auditBefore = (await t.pg.query('SELECT count(*)::int AS n FROM audit_log')).rows[0].n;
    const bounded = await sweepRetention(db, { auditDays: 30, eventsDays: 30, requestsDays: 30, batch: 10, maxBatches: 2 });
    assert.equal(bounded.audit, 20, 'two batches of 10 at most in one sweep');
    const rest = await sweepRetention(db, { auditDays: 30, eventsDays: 30, requestsDays: 30, batch: 10 });
    assert.equal(rest.audit, auditBefore - 1 - 20);
    assert.equal((await t.pg.query(`SELECT count(*)::int AS n FROM audit_log WHERE at < now() - interval '30 days'`)).rows[0].n, 0);
    assert.equal((await t.pg.query(`SELECT count(*)::int AS n FROM audit_log WHERE path = '/v1/fresh'`)).rows[0].n, 1);
    assert.equal((await t.pg.query(`SELECT count(*)::int AS n FROM events WHERE type = 'test.old'`)).rows[0].n, 0);
    assert.equal((await t.pg.query(`SELECT count(*)::int AS n FROM events WHERE type = 'test.fresh'`)).rows[0].n, 1);
    const left = (await t.pg.query(`SELECT id FROM requests WHERE id = ANY($1)`, [[ids.oldFinished, ids.oldLive, ids.fresh]])).rows.map((r: { id: string }) => r.id).sort();
    assert.deepEqual(left, [ids.oldLive, ids.fresh].sort(), 'old finished request of a gone cluster deleted; live cluster and recent kept');
    assert.equal((await t.pg.query(`SELECT count(*)::int AS n FROM request_secrets WHERE request_id = $1`, [ids.oldFinished])).rows[0].n, 0, 'its secrets with it');
  });

  it('the api runs the sweep on its own (BullMQ job scheduler)', async () => {
    await t.stop();
    t = await startApiUnderTest('api_retention2', { SKYPORT_RETENTION_AUDIT_DAYS: '30', SKYPORT_RETENTION_INTERVAL_MINUTES: '0.02' });
    await db.destroy();
    db = new DataSource({ type: 'postgres', url: t.dbUrl });
    await db.initialize();
    await t.pg.query(`INSERT INTO audit_log (at, method, path, result, status_code) VALUES (now() - interval '31 days', 'POST', '/v1/old', 'ok', 200)`);
    await eventually(async () => (await t.pg.query(`SELECT count(*)::int AS n FROM audit_log WHERE path = '/v1/old'`)).rows[0].n === 0, 20_000, 'the scheduled sweep');
  });
});
