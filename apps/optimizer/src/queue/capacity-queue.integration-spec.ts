import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { RequestEntity } from '@skyport/persistence';
import { migratedTestDatabase, type MigratedTestDatabase } from '@skyport/persistence/testing';
import type { JobQueue } from '@skyport/service-kit';
import { waitForCapacity } from '../optimize/capacity-wait';
import { CapacityQueue } from './capacity-queue';

/** The capacity queue's rows against real Postgres: the optimizer is their one writer. */
describe('capacity queue (real Postgres)', () => {
  let db: MigratedTestDatabase;
  let ds: DataSource;

  before(async () => {
    db = await migratedTestDatabase('optimizer_capacity_queue');
    ds = db.ds;
  });
  after(async () => {
    await db?.drop();
  });

  async function waiting(status: string, arrivedAt: Date): Promise<string> {
    const id = randomUUID();
    await ds.query(`INSERT INTO requests (id, kind, status, cluster_name, job_id, body_hash, payload, owner) VALUES ($1, 'launch', $2, $3, 1, 'h', '{}', 'it')`, [id, status, `c-${id.slice(0, 8)}`]);
    await ds.query(`INSERT INTO capacity_waits (request_id, cluster_name, priority, arrived_at, contexts, reason) VALUES ($1, $2, 0, $3, '["ctx"]', 'full')`, [id, `c-${id.slice(0, 8)}`, arrivedAt]);
    return id;
  }

  it('a launch that waits clears the rows of requests that ended elsewhere (the reconciler ends only the request)', async () => {
    const t0 = Date.now() - 60_000;
    const failed = await waiting('FAILED', new Date(t0));
    const cancelled = await waiting('CANCELLED', new Date(t0 + 1_000));
    const live = await waiting('RUNNING', new Date(t0 + 2_000));
    const id = randomUUID();
    await ds.query(`INSERT INTO requests (id, kind, status, cluster_name, job_id, body_hash, payload, owner) VALUES ($1, 'launch', 'PENDING', 'later', 1, 'h', '{}', 'it')`, [id]);
    const position = await ds.transaction((tx) =>
      new CapacityQueue().wait(tx, { requestId: id, priority: 0, arrivedAt: new Date(t0 + 3_000), clusterName: 'later', team: null, contexts: ['ctx'], reason: 'full' }),
    );
    assert.equal(position, 2, 'only the live launch is ahead');
    const rows: Array<{ request_id: string }> = await ds.query(`SELECT request_id FROM capacity_waits ORDER BY arrived_at`);
    assert.deepEqual(rows.map((r) => r.request_id), [live, id], `the rows of ${failed} (FAILED) and ${cancelled} (CANCELLED) are gone`);
  });

  it('a launch that ended while it was planned (cancelled) takes no place, records no wait and is not planned again', async () => {
    const enqueued: unknown[] = [];
    const queue = { enqueue: async (...args: unknown[]) => enqueued.push(args) } as unknown as JobQueue;
    const deps = { db: ds, queue, waits: new CapacityQueue(), retryMs: 1 };
    const wait = { reason: 'context full', contexts: ['ctx'] };
    const request = async (status: string) => {
      const id = randomUUID();
      await ds.query(`INSERT INTO requests (id, kind, status, cluster_name, job_id, body_hash, payload, owner) VALUES ($1, 'launch', $2, $3, 1, 'h', '{}', 'it')`, [id, status, `w-${id.slice(0, 8)}`]);
      return ds.getRepository(RequestEntity).findOneByOrFail({ id });
    };
    const traces = async (id: string) => ({
      status: ((await ds.query(`SELECT status FROM requests WHERE id = $1`, [id])) as Array<{ status: string }>)[0]?.status,
      waits: ((await ds.query(`SELECT count(*)::int AS n FROM capacity_waits WHERE request_id = $1`, [id])) as Array<{ n: number }>)[0]?.n,
      events: ((await ds.query(`SELECT count(*)::int AS n FROM events WHERE request_id = $1 AND type = 'request.waiting'`, [id])) as Array<{ n: number }>)[0]?.n,
    });

    const cancelled = await request('CANCELLED');
    assert.equal(await waitForCapacity(deps, { requestId: cancelled.id, clusterName: cancelled.clusterName }, cancelled, wait), false);
    assert.deepEqual(await traces(cancelled.id), { status: 'CANCELLED', waits: 0, events: 0 });
    assert.equal(enqueued.length, 0);

    const running = await request('RUNNING');
    assert.equal(await waitForCapacity(deps, { requestId: running.id, clusterName: running.clusterName }, running, wait), true);
    assert.deepEqual(await traces(running.id), { status: 'PENDING', waits: 1, events: 1 });
    assert.equal(enqueued.length, 1);

    // A later round: its infeasible plan was not stored, so the request is still PENDING; it keeps waiting and is
    // planned again (the event only when its message changes).
    assert.equal(await waitForCapacity(deps, { requestId: running.id, clusterName: running.clusterName, waitRound: 1 }, running, wait), true);
    assert.deepEqual(await traces(running.id), { status: 'PENDING', waits: 1, events: 1 });
    assert.equal(enqueued.length, 2);
    assert.equal(await waitForCapacity(deps, { requestId: running.id, clusterName: running.clusterName, waitRound: 2 }, running, { ...wait, reason: 'still full' }), true);
    assert.deepEqual(await traces(running.id), { status: 'PENDING', waits: 1, events: 2 });
    assert.equal(enqueued.length, 3);
  });
});
