import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { DataSource } from 'typeorm';
import { ClusterStatus } from '@skyport/contracts';
import { migratedTestDatabase } from '@skyport/persistence/testing';
import { NOT_TERMINATED, transitionCluster } from './cluster-transition';

const hasDb = Boolean(process.env.SKYPORT_TEST_DATABASE_URL);

describe('transitionCluster: compare-and-set of clusters.status with its event', { skip: hasDb ? false : 'needs the local stack (npm test)' }, () => {
  let ds: DataSource;
  let drop: () => Promise<void>;

  before(async () => {
    const db = await migratedTestDatabase('cluster_transition');
    ds = db.ds;
    drop = db.drop;
  });

  after(async () => {
    await drop?.();
  });

  const seed = (name: string, status: ClusterStatus, reason: string | null = null) =>
    ds.query(`INSERT INTO clusters (name, phase, owner, phase_reason) VALUES ($1, $2, 'alice', $3)`, [name, status, reason]);
  const rowOf = async (name: string) => (await ds.query(`SELECT status, status_reason FROM clusters WHERE name = $1`, [name]))[0] as { status: string; status_reason: string | null };
  const eventsOf = async (name: string) => (await ds.query(`SELECT type, message FROM events WHERE cluster_name = $1 ORDER BY id`, [name])) as Array<{ type: string; message: string }>;

  test('moves a row in `from` and records cluster.<to> in the same transaction', async () => {
    await seed('ct-up', ClusterStatus.Up, 'kept');
    const moved = await ds.transaction((tx) => transitionCluster(tx, 'ct-up', { from: NOT_TERMINATED, to: ClusterStatus.TearingDown, message: 'tearing down (user)' }));
    assert.equal(moved, true);
    assert.deepEqual(await rowOf('ct-up'), { status: 'TEARING_DOWN', status_reason: 'kept' }, 'no reason given: the old one stays');
    assert.deepEqual(await eventsOf('ct-up'), [{ type: 'cluster.tearing_down', message: 'tearing down (user)' }]);
  });

  test('a row no longer in `from` is left alone, and no event is recorded', async () => {
    await seed('ct-gone', ClusterStatus.Terminated, 'torn down (user)');
    const moved = await ds.transaction((tx) => transitionCluster(tx, 'ct-gone', { from: NOT_TERMINATED, to: ClusterStatus.Terminated, reason: 'again', message: 'x' }));
    assert.equal(moved, false);
    assert.deepEqual(await rowOf('ct-gone'), { status: 'TERMINATED', status_reason: 'torn down (user)' });
    assert.deepEqual(await eventsOf('ct-gone'), []);
  });

  test('a rolled-back transaction keeps neither the status nor the event', async () => {
    await seed('ct-rollback', ClusterStatus.TearingDown);
    await assert.rejects(
      ds.transaction(async (tx) => {
        await transitionCluster(tx, 'ct-rollback', { from: [ClusterStatus.TearingDown], to: ClusterStatus.Terminated, reason: 'torn down (user)', message: 'gone' });
        throw new Error('rollback');
      }),
      /rollback/,
    );
    assert.equal((await rowOf('ct-rollback')).status, 'TEARING_DOWN');
    assert.deepEqual(await eventsOf('ct-rollback'), []);
  });

  test('other columns in the same statement (values and SQL over the old row); no event without a message', async () => {
    await ds.query(`INSERT INTO clusters (name, phase, owner, stopped_at, stopped_seconds) VALUES ('ct-start', 'STOPPED', 'alice', now() - interval '100 seconds', 5)`);
    const moved = await ds.transaction((tx) =>
      transitionCluster(tx, 'ct-start', {
        from: [ClusterStatus.Stopped],
        to: ClusterStatus.Up,
        reason: null,
        also: { lastActivityAt: () => 'now()', stoppedSeconds: () => 'stopped_seconds + COALESCE(EXTRACT(EPOCH FROM now() - stopped_at)::int, 0)', stoppedAt: null },
      }),
    );
    assert.equal(moved, true);
    const row = (await ds.query(`SELECT status, stopped_at, stopped_seconds, last_activity_at FROM clusters WHERE name = 'ct-start'`))[0];
    assert.equal(row.status, 'UP');
    assert.equal(row.stopped_at, null);
    assert.ok(row.stopped_seconds >= 105 && row.stopped_seconds < 200, `the stopped interval is added (${row.stopped_seconds})`);
    assert.ok(row.last_activity_at);
    assert.deepEqual(await eventsOf('ct-start'), []);
  });

  test('withdrawStop clears a stop intent (the cluster is UP again) and leaves no other intent', async () => {
    await ds.query(`INSERT INTO clusters (name, phase, owner, intent, intent_reason) VALUES ('ct-stop', 'UP', 'alice', 'stop', 'stop requested')`);
    assert.equal((await rowOf('ct-stop')).status, 'STOPPED', 'a pending stop');
    const moved = await ds.transaction((tx) => transitionCluster(tx, 'ct-stop', { from: [ClusterStatus.Up, ClusterStatus.Stopped], to: ClusterStatus.Up, reason: 'stop failed: x', withdrawStop: true }));
    assert.equal(moved, true);
    assert.deepEqual(await rowOf('ct-stop'), { status: 'UP', status_reason: 'stop failed: x' });
    assert.equal((await ds.query(`SELECT intent FROM clusters WHERE name = 'ct-stop'`))[0].intent, null);
    await ds.query(`INSERT INTO clusters (name, phase, owner, intent) VALUES ('ct-down', 'UP', 'alice', 'down')`);
    assert.equal(await ds.transaction((tx) => transitionCluster(tx, 'ct-down', { from: [ClusterStatus.Up, ClusterStatus.Stopped], to: ClusterStatus.Up, withdrawStop: true })), false);
    assert.equal((await ds.query(`SELECT intent FROM clusters WHERE name = 'ct-down'`))[0].intent, 'down');
  });

  test('of two racing transitions from the same status, one wins', async () => {
    await seed('ct-race', ClusterStatus.Up);
    const results = await Promise.all(
      [ClusterStatus.Failed, ClusterStatus.TearingDown].map((to) => ds.transaction((tx) => transitionCluster(tx, 'ct-race', { from: [ClusterStatus.Up], to, message: to }))),
    );
    assert.deepEqual(results.filter(Boolean).length, 1);
    assert.equal((await eventsOf('ct-race')).length, 1);
  });
});
