import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { QuotaService } from './quota.service';
import { migratedTestDatabase, type MigratedTestDatabase } from '@skyport/persistence/testing';

const demand = (cpus: number) => ({ cpus, memoryGb: 1, gpus: {}, clusters: 1 });

/** Runs `work` in a transaction that stays open until the returned `commit` is called. */
async function openTransaction<T>(db: DataSource, work: (tx: EntityManager) => Promise<T>): Promise<{ result: T; commit: () => Promise<void> }> {
  let release: () => void = () => undefined;
  let resolveResult: (value: T) => void = () => undefined;
  const result = new Promise<T>((resolve) => (resolveResult = resolve));
  const done = db.transaction(async (tx) => {
    resolveResult(await work(tx));
    await new Promise<void>((r) => (release = r));
  });
  return { result: await result, commit: async () => (release(), await done) };
}

describe('launches of a team without a quota do not queue on its lock (real Postgres)', () => {
  let db: MigratedTestDatabase;
  let ds: DataSource;
  let quotas: QuotaService;
  /** A launch as the api makes it: its cluster row exists (usage counts live clusters). */
  const entry = async (team: string, cpus = 1) => {
    const e = { requestId: randomUUID(), clusterName: `c-${randomUUID().slice(0, 8)}`, team, priority: 0, demand: demand(cpus) };
    await ds.query(`INSERT INTO clusters (name, phase, owner, request_id) VALUES ($1, 'INIT', 'u', $2)`, [e.clusterName, e.requestId]);
    return e;
  };

  before(async () => {
    db = await migratedTestDatabase('api_quota_free');
    ds = db.ds;
    quotas = new QuotaService(ds);
  });
  after(async () => {
    await db?.drop();
  });

  it('a second launch is admitted while the first launch transaction is still open; both go to the optimizer', { timeout: 20_000 }, async () => {
    const first = await entry('free');
    const open = await openTransaction(ds, (tx) => quotas.enqueue(tx, first));
    assert.deepEqual(open.result, { admitted: true });
    const second = await entry('free');
    // With the team's exclusive lock this would wait for the open transaction (and the test would time out).
    assert.deepEqual(await ds.transaction((tx) => quotas.enqueue(tx, second)), { admitted: true });
    await open.commit();
    const rows: Array<{ n: number }> = await ds.query(`SELECT count(*)::int AS n FROM outbox WHERE queue = 'optimize' AND payload->>'requestId' = ANY($1)`, [
      [first.requestId, second.requestId],
    ]);
    assert.equal(rows[0]?.n, 2);
  });

  it('a quota set while a free admission is open waits for it and counts it', async () => {
    const running = await entry('late', 3);
    const open = await openTransaction(ds, (tx) => quotas.enqueue(tx, running));
    assert.deepEqual(open.result, { admitted: true });
    const setting = quotas.setQuota('late', { maxCpus: 4 });
    await new Promise((r) => setTimeout(r, 300));
    await open.commit();
    await setting;
    // 3 of 4 CPUs are held by the launch admitted before the quota: 2 more do not fit and wait.
    const later = await entry('late', 2);
    const next = await ds.transaction((tx) => quotas.enqueue(tx, later));
    assert.equal(next.admitted, false);
    assert.match(next.reason ?? '', /CPUs: 3 in use \+ 2 asked > 4 allowed/);
  });
});
