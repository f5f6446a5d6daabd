import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { EVENTS_CHANNEL, parseEventNotification, type EventNotification } from '@skyport/contracts';
import { migratedTestDatabase, type MigratedTestDatabase } from '@skyport/persistence/testing';
import { PlanWriter, type PlanWrite } from './plan-writer';

/** Group commit of plans against real Postgres: the same rows, status changes, events and NOTIFYs as one transaction per plan. */
describe('plan writer (real Postgres)', () => {
  let db: MigratedTestDatabase;
  let ds: DataSource;
  let listener: Client;
  const notified: EventNotification[] = [];

  before(async () => {
    db = await migratedTestDatabase('optimizer_plan_writer');
    ds = db.ds;
    listener = new Client({ connectionString: db.url });
    await listener.connect();
    listener.on('notification', (n) => {
      const parsed = n.channel === EVENTS_CHANNEL ? parseEventNotification(n.payload) : undefined;
      if (parsed) notified.push(parsed);
    });
    await listener.query(`LISTEN ${EVENTS_CHANNEL}`);
  });
  after(async () => {
    await listener?.end();
    await db?.drop();
  });

  async function request(status = 'PENDING'): Promise<{ id: string; cluster: string }> {
    const id = randomUUID();
    const cluster = `c-${id.slice(0, 8)}`;
    await ds.query(
      `INSERT INTO requests (id, kind, status, cluster_name, job_id, body_hash, payload, owner, updated_at) VALUES ($1, 'launch', $2, $3, 1, 'h', '{}', 'it', now() - interval '1 hour')`,
      [id, status, cluster],
    );
    return { id, cluster };
  }

  const planFor = (r: { id: string; cluster: string }, i: number): PlanWrite => ({
    plan: { id: randomUUID(), requestId: r.id, clusterName: r.cluster, plan: { planId: `p${i}`, numNodes: 1, candidates: [], chosenIndex: i % 3, blocked: [], blockedKey: `it's "quoted" \\ ${i}`, table: `table ${i}` }, chosenIndex: i % 3 },
    event: { type: i % 3 === 2 ? 'plan.infeasible' : 'plan.created', message: `optimizer: plan ${i}`, data: { planId: `p${i}`, table: `table ${i}` } },
  });

  async function waitNotified(n: number): Promise<void> {
    const deadline = Date.now() + 30_000;
    while (notified.length < n) {
      assert.ok(Date.now() < deadline, `${notified.length} of ${n} event notifications`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  it('plans finishing together are written in a few statements, each with its request RUNNING, its event and its NOTIFY', async () => {
    const requests = await Promise.all(Array.from({ length: 30 }, () => request()));
    const done = await request('CANCELLED');
    const statements: string[] = [];
    const counted = { query: (sql: string, params: unknown[]) => (statements.push(sql), ds.query(sql, params)) } as unknown as DataSource;
    const writer = new PlanWriter(counted, 'optimizer');
    const writes = [...requests, done].map(planFor);
    await Promise.all(writes.map((w) => writer.write(w)));
    // The first goes alone (nothing was in flight); the 30 that came meanwhile go together.
    assert.equal(statements.length, 2);

    const plans: Array<{ id: string; request_id: string; cluster_name: string; plan: unknown; chosen_index: number }> = await ds.query(
      'SELECT id, request_id, cluster_name, plan, chosen_index FROM plans WHERE request_id = ANY($1::uuid[])',
      [writes.map((w) => w.plan.requestId)],
    );
    const byId = new Map(plans.map((p) => [p.id, p]));
    for (const w of writes) {
      assert.deepEqual(byId.get(w.plan.id), { id: w.plan.id, request_id: w.plan.requestId, cluster_name: w.plan.clusterName, plan: w.plan.plan, chosen_index: w.plan.chosenIndex });
    }
    const statuses: Array<{ id: string; status: string; fresh: boolean }> = await ds.query(
      `SELECT id, status, updated_at > now() - interval '1 minute' AS fresh FROM requests WHERE id = ANY($1::uuid[])`,
      [writes.map((w) => w.plan.requestId)],
    );
    for (const s of statuses) {
      // Only a PENDING request moves on (as the UPDATE ... WHERE status = PENDING did); a cancelled one stays.
      assert.deepEqual(s, s.id === done.id ? { id: done.id, status: 'CANCELLED', fresh: false } : { id: s.id, status: 'RUNNING', fresh: true });
    }
    const events: Array<{ id: string; source: string; type: string; message: string; request_id: string; cluster_name: string; job_id: number | null; data: unknown }> = await ds.query(
      'SELECT ev.id::text AS id, source, type, message, request_id, cluster_name, job_id, data FROM events ev WHERE request_id = ANY($1::uuid[]) ORDER BY ev.id',
      [writes.map((w) => w.plan.requestId)],
    );
    // One event per plan, in the order the plans were given.
    assert.deepEqual(
      events.map(({ id: _id, ...e }) => e),
      writes.map((w) => ({ source: 'optimizer', type: w.event.type, message: w.event.message, request_id: w.plan.requestId, cluster_name: w.plan.clusterName, job_id: null, data: w.event.data })),
    );
    await waitNotified(events.length);
    assert.deepEqual(
      notified.slice(0, events.length).sort((a, b) => Number(a.id) - Number(b.id)),
      events.map((e) => ({ id: e.id, requestId: e.request_id, clusterName: e.cluster_name })),
    );
  });

  it("a plan that goes on takes its launch out of the capacity queue in the same commit; one that does not leaves it waiting", async () => {
    const [goes, stays] = await Promise.all([request(), request()]);
    for (const r of [goes, stays]) {
      await ds.query(`INSERT INTO capacity_waits (request_id, cluster_name, priority, arrived_at, contexts, reason) VALUES ($1, $2, 0, now(), '["ctx"]', 'full')`, [r.id, r.cluster]);
    }
    const writer = new PlanWriter(ds, 'optimizer');
    await Promise.all([writer.write({ ...planFor(goes, 0), leavesWait: true }), writer.write({ ...planFor(stays, 2), leavesWait: false })]);
    const waiting: Array<{ request_id: string }> = await ds.query('SELECT request_id FROM capacity_waits WHERE request_id = ANY($1::uuid[])', [[goes.id, stays.id]]);
    assert.deepEqual(waiting, [{ request_id: stays.id }]);
  });

  it('a batch that fails is written plan by plan: only the plan at fault fails, the others are stored', async () => {
    const requests = await Promise.all(Array.from({ length: 5 }, () => request()));
    const writer = new PlanWriter(ds, 'optimizer');
    const first = planFor(requests[0], 0);
    await writer.write(first);
    const writes = requests.slice(1).map((r, i) => planFor(r, i + 1));
    // The same plan id again: the primary key refuses it, in the batch and alone.
    const clash = { ...planFor(requests[0], 9), plan: { ...planFor(requests[0], 9).plan, id: first.plan.id } };
    const results = await Promise.allSettled([writer.write(writes[0]), writer.write(clash), ...writes.slice(1).map((w) => writer.write(w))]);
    assert.deepEqual(
      results.map((r) => r.status),
      ['fulfilled', 'rejected', 'fulfilled', 'fulfilled', 'fulfilled'],
    );
    assert.match(String((results[1] as PromiseRejectedResult).reason), /duplicate key/);
    const [{ n }] = await ds.query('SELECT count(*)::int AS n FROM plans WHERE id = ANY($1::uuid[])', [writes.map((w) => w.plan.id)]);
    assert.equal(n, writes.length);
    const [{ events }] = await ds.query('SELECT count(*)::int AS events FROM events WHERE request_id = $1', [requests[0].id]);
    assert.equal(events, 1, 'the refused plan recorded no event');
  });
});
