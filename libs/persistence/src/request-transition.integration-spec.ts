import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { RequestStatus } from '@skyport/contracts';
import { migratedTestDatabase, type MigratedTestDatabase } from './testing';
import { LIVE_REQUEST_STATUSES, transitionRequest } from './state/request-transition';

/** `transitionRequest`, the one way a request's status moves, against real Postgres. */
describe('transitionRequest (real Postgres)', () => {
  let db: MigratedTestDatabase;
  let ds: DataSource;

  before(async () => {
    db = await migratedTestDatabase('persistence_request_transition');
    ds = db.ds;
  });
  after(async () => {
    await db?.drop();
  });

  async function request(status: RequestStatus, error: { code: string | null; message: string | null } = { code: null, message: null }): Promise<string> {
    const id = randomUUID();
    await ds.query(
      `INSERT INTO requests (id, kind, status, cluster_name, job_id, body_hash, payload, owner, error_code, error_message, updated_at)
       VALUES ($1, 'launch', $2, 'c-it', 1, 'h', '{}', 'it', $3, $4, now() - interval '1 hour')`,
      [id, status, error.code, error.message],
    );
    return id;
  }

  async function rowOf(id: string): Promise<{ status: string; error_code: string | null; error_message: string | null; fresh: boolean }> {
    const [row] = await ds.query(`SELECT status, error_code, error_message, updated_at > now() - interval '1 minute' AS fresh FROM requests WHERE id = $1`, [id]);
    return row;
  }

  async function eventsOf(id: string): Promise<Array<{ source: string; type: string; message: string; cluster_name: string | null; data: unknown }>> {
    return ds.query(`SELECT source, type, message, cluster_name, data FROM events WHERE request_id = $1 ORDER BY id`, [id]);
  }

  it('moves only from a status in `from`, with its error fields, updated_at and the request.<to> event', async () => {
    const id = await request(RequestStatus.Running);
    const moved = await ds.transaction((tx) =>
      transitionRequest(tx, 'it', id, { from: LIVE_REQUEST_STATUSES, to: RequestStatus.Failed, errorCode: 'JOB_FAILED', errorMessage: 'boom', message: 'the job failed', clusterName: 'c-it', data: { code: 'JOB_FAILED' } }),
    );
    assert.equal(moved, true);
    assert.deepEqual(await rowOf(id), { status: 'FAILED', error_code: 'JOB_FAILED', error_message: 'boom', fresh: true });
    assert.deepEqual(await eventsOf(id), [{ source: 'it', type: 'request.failed', message: 'the job failed', cluster_name: 'c-it', data: { code: 'JOB_FAILED' } }]);

    // Ended: a second transition out of PENDING/RUNNING finds nothing to move, writes nothing and records nothing.
    const again = await ds.transaction((tx) => transitionRequest(tx, 'it', id, { from: LIVE_REQUEST_STATUSES, to: RequestStatus.Cancelled, errorCode: null, errorMessage: null, message: 'cancelled' }));
    assert.equal(again, false);
    assert.deepEqual(await rowOf(id), { status: 'FAILED', error_code: 'JOB_FAILED', error_message: 'boom', fresh: true });
    assert.equal((await eventsOf(id)).length, 1);

    const pending = await request(RequestStatus.Pending);
    assert.equal(await transitionRequest(ds.manager, 'it', pending, { from: [RequestStatus.Running], to: RequestStatus.Pending, message: 'not from PENDING' }), false);
    assert.deepEqual(await rowOf(pending), { status: 'PENDING', error_code: null, error_message: null, fresh: false });
    assert.deepEqual(await eventsOf(pending), []);
  });

  it('leaves the error fields it is not given as they are, and records no event without a message', async () => {
    const id = await request(RequestStatus.Pending, { code: 'OLD', message: 'old' });
    assert.equal(await transitionRequest(ds.manager, 'it', id, { from: [RequestStatus.Pending], to: RequestStatus.Cancelled, errorMessage: 'taken down' }), true);
    assert.deepEqual(await rowOf(id), { status: 'CANCELLED', error_code: 'OLD', error_message: 'taken down', fresh: true });
    assert.deepEqual(await eventsOf(id), []);

    const running = await request(RequestStatus.Running, { code: 'OLD', message: 'old' });
    assert.equal(await transitionRequest(ds.manager, 'it', running, { from: [RequestStatus.Running], to: RequestStatus.Pending }), true);
    assert.deepEqual(await rowOf(running), { status: 'PENDING', error_code: 'OLD', error_message: 'old', fresh: true });
    assert.deepEqual(await eventsOf(running), []);
  });

  it('a rolled-back transaction keeps neither the status nor the event', async () => {
    const id = await request(RequestStatus.Running);
    await assert.rejects(
      ds.transaction(async (tx) => {
        assert.equal(await transitionRequest(tx, 'it', id, { from: LIVE_REQUEST_STATUSES, to: RequestStatus.Succeeded, message: 'done' }), true);
        throw new Error('rolled back');
      }),
      /rolled back/,
    );
    assert.deepEqual(await rowOf(id), { status: 'RUNNING', error_code: null, error_message: null, fresh: false });
    assert.deepEqual(await eventsOf(id), []);
  });

  it('of two transitions racing from the same status, one moves the request and records its event; the other sees it lost', async () => {
    for (let round = 0; round < 5; round++) {
      const id = await request(RequestStatus.Pending);
      const race = (to: RequestStatus.Running | RequestStatus.Cancelled) =>
        ds.transaction(async (tx) => {
          const moved = await transitionRequest(tx, 'it', id, { from: [RequestStatus.Pending], to, message: `to ${to}` });
          // Hold the row a moment so that the other transaction's UPDATE waits on it and re-checks the status.
          await new Promise((r) => setTimeout(r, 50));
          return moved ? to : undefined;
        });
      const outcomes = await Promise.all([race(RequestStatus.Running), race(RequestStatus.Cancelled)]);
      const winners = outcomes.filter((o) => o !== undefined);
      assert.equal(winners.length, 1, `round ${round}: ${JSON.stringify(outcomes)}`);
      assert.equal((await rowOf(id)).status, winners[0]);
      assert.deepEqual(
        (await eventsOf(id)).map((e) => e.type),
        [`request.${String(winners[0]).toLowerCase()}`],
      );
    }
  });

  it('refuses an empty `from` (a transition from nowhere is a bug, not a no-op)', async () => {
    const id = await request(RequestStatus.Pending);
    await assert.rejects(transitionRequest(ds.manager, 'it', id, { from: [], to: RequestStatus.Running }), /no status to move from/);
  });
});
