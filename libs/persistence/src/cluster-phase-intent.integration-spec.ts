import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from 'pg';
import { ClusterStatus, effectiveClusterStatus, type ClusterIntent } from '@skyport/contracts';
import { createTestDatabase } from '@skyport/dev-stack';
import { createDataSource, runMigrations } from './data-source';
import { ALL_MIGRATIONS } from './migrations';
import { ClusterPhaseIntent1797800000000 } from './migrations/1797800000000-cluster-phase-intent';

/**
 * One writer for a cluster's status: the provisioner writes `phase`, the api and autodown write an `intent`, and
 * Postgres computes `status` (and its reason) — the same rule as `effectiveClusterStatus` — so nobody can write it.
 */
describe('clusters: phase, intent and the computed status (real Postgres)', () => {
  let db: { url: string; drop: () => Promise<void> };
  let client: Client;

  before(async () => {
    db = await createTestDatabase('cluster_phase_intent');
  });
  after(async () => {
    await client?.end();
    await db?.drop();
  });

  it('keeps every existing cluster as it was: its status becomes its phase, its reason the phase reason', async () => {
    const before = ALL_MIGRATIONS.slice(0, ALL_MIGRATIONS.indexOf(ClusterPhaseIntent1797800000000));
    const old = createDataSource(db.url, { migrations: before });
    await old.initialize();
    try {
      await old.runMigrations({ transaction: 'each' });
      await old.query(`INSERT INTO clusters (name, status, status_reason) VALUES ('old-up', 'UP', 'up on kind'), ('old-down', 'TEARING_DOWN', 'teardown requested by alice')`);
    } finally {
      await old.destroy();
    }
    assert.ok((await runMigrations(db.url)).includes('ClusterPhaseIntent1797800000000'));
    client = new Client({ connectionString: db.url });
    await client.connect();
    const rows = await client.query(`SELECT name, phase, intent, status, phase_reason, status_reason FROM clusters ORDER BY name`);
    assert.deepEqual(rows.rows, [
      { name: 'old-down', phase: 'TEARING_DOWN', intent: null, status: 'TEARING_DOWN', phase_reason: 'teardown requested by alice', status_reason: 'teardown requested by alice' },
      { name: 'old-up', phase: 'UP', intent: null, status: 'UP', phase_reason: 'up on kind', status_reason: 'up on kind' },
    ]);
  });

  it('computes status exactly as effectiveClusterStatus does, for every phase and intent, with the reason that goes with it', async () => {
    const intents: Array<ClusterIntent | null> = [null, 'down', 'stop'];
    for (const phase of Object.values(ClusterStatus)) {
      for (const intent of intents) {
        const name = `c-${phase}-${intent ?? 'none'}`.toLowerCase();
        await client.query(`INSERT INTO clusters (name, phase, phase_reason, intent, intent_reason) VALUES ($1, $2, 'phase says', $3, 'intent says')`, [name, phase, intent]);
        const { rows } = await client.query(`SELECT status, status_reason FROM clusters WHERE name = $1`, [name]);
        const expected = effectiveClusterStatus(phase, intent);
        assert.equal(rows[0].status, expected, `${phase} + ${intent}`);
        // The intent's reason goes with the status while the intent decides it (a teardown under way included).
        const intentDecides = (intent === 'down' && phase !== ClusterStatus.Terminated) || (intent === 'stop' && phase === ClusterStatus.Up);
        assert.equal(rows[0].status_reason, intentDecides ? 'intent says' : 'phase says', `${phase} + ${intent}`);
      }
    }
  });

  it('refuses a write of the computed columns', async () => {
    await assert.rejects(client.query(`UPDATE clusters SET status = 'UP' WHERE name = 'old-up'`), /can only be updated to DEFAULT/);
    await assert.rejects(client.query(`INSERT INTO clusters (name, status) VALUES ('direct', 'UP')`), /cannot insert a non-DEFAULT value into column "status"|cannot insert into column "status"/);
  });

  it('a down fences the cluster at once and stays TERMINATED once the provisioner is done; a new launch clears it', async () => {
    await client.query(`INSERT INTO clusters (name, phase) VALUES ('life', 'UP')`);
    const statusOf = async () => (await client.query(`SELECT status FROM clusters WHERE name = 'life'`)).rows[0].status;
    await client.query(`UPDATE clusters SET intent = 'down', intent_reason = 'teardown requested by alice' WHERE name = 'life'`);
    assert.equal(await statusOf(), 'TEARING_DOWN');
    await client.query(`UPDATE clusters SET phase = 'TERMINATED', phase_reason = 'torn down (user)' WHERE name = 'life'`);
    assert.equal(await statusOf(), 'TERMINATED');
    await client.query(`UPDATE clusters SET phase = 'INIT', intent = NULL, intent_reason = NULL WHERE name = 'life'`);
    assert.equal(await statusOf(), 'INIT');
  });
});
