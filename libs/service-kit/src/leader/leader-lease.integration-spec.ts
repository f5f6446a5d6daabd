import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { testEnv } from '@skyport/dev-stack';
import { createLogger } from '../logging/logger';
import { LeaderLease, leaseApplicationName } from './leader-lease';

const CHECK_MS = 100;

async function until(what: string, predicate: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    assert.ok(Date.now() < deadline, `timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * What keeps a singleton (autodown's reaper and reconciler, the provisioner's cluster-health pass) single across
 * replicas and rolling updates: two replicas of one lease, as two pods would hold it.
 */
describe('LeaderLease (real Postgres): one leader among replicas, handed over on shutdown and on a lost session', () => {
  const name = `test.lease.${randomBytes(3).toString('hex')}`;
  const logger = createLogger('lease-test', 'silent');
  const replica = (onChange?: (leader: boolean) => void) => new LeaderLease({ databaseUrl: testEnv().databaseUrl, name, logger, checkIntervalMs: CHECK_MS, onChange });
  const leases: LeaderLease[] = [];
  after(async () => {
    for (const l of leases) await l.stop();
  });

  it('exactly one of two replicas leads; a rolling update (SIGTERM: stop) hands over at once; when a killed leader loses its session one replica leads again', async () => {
    const a = replica();
    const bChanges: boolean[] = [];
    const b = replica((leader) => bChanges.push(leader));
    leases.push(a, b);
    a.start();
    await until('a leads', () => a.isLeader);
    b.start();
    await new Promise((r) => setTimeout(r, CHECK_MS * 5));
    assert.equal(b.isLeader, false, 'never two leaders');

    // The old pod stops (rolling update): its session ends and the new one takes over within a check.
    const handedOver = Date.now();
    await a.stop();
    await until('b leads', () => b.isLeader);
    assert.ok(Date.now() - handedOver < CHECK_MS * 20, 'within a few checks');
    assert.equal(a.isLeader, false);

    // A third replica while b leads waits; b's session dies as a killed pod's would (Postgres ends it).
    const c = replica();
    leases.push(c);
    c.start();
    await new Promise((r) => setTimeout(r, CHECK_MS * 5));
    assert.equal(c.isLeader, false);
    const admin = new Client({ connectionString: testEnv().databaseUrl });
    await admin.connect();
    try {
      await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND pid IN (SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted)`, [leaseApplicationName(name)]);
    } finally {
      await admin.end();
    }
    // b notices at once (its connection errors) and steps down; then whoever locks first leads — c, or b again.
    await until('b stepped down', () => bChanges.includes(false));
    await until('a leader again', () => b.isLeader || c.isLeader);
    await new Promise((r) => setTimeout(r, CHECK_MS * 5));
    assert.equal([a, b, c].filter((l) => l.isLeader).length, 1, 'exactly one');
  });
});
