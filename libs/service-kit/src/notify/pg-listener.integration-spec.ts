import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { testEnv } from '@skyport/dev-stack';
import { createLogger } from '../logging/logger';
import { PgListener } from './pg-listener';

async function until(what: string, predicate: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    assert.ok(Date.now() < deadline, `timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The one LISTEN session every service's waiters and relays share, and what it does when Postgres drops it. */
describe('PgListener (real Postgres): one session for every channel, back after a terminated backend', () => {
  const suffix = randomBytes(3).toString('hex');
  const applicationName = `skyport-test-listen-${suffix}`;
  const channels = { a: `test_listen_a_${suffix}`, b: `test_listen_b_${suffix}` };
  const listener = new PgListener({ databaseUrl: testEnv().databaseUrl, applicationName, logger: createLogger('listen-test', 'silent'), initialBackoffMs: 300, maxBackoffMs: 1_000 });
  const admin = new Client({ connectionString: testEnv().databaseUrl });
  const notify = (channel: string, payload: string) => admin.query('SELECT pg_notify($1, $2)', [channel, payload]);
  const sessions = async (): Promise<number[]> =>
    (await admin.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE application_name = $1', [applicationName])).rows.map((r) => r.pid);
  after(async () => {
    await listener.close();
    await admin.end();
  });

  it('delivers on two channels over one session; after pg_terminate_backend it reconnects, re-listens, reports the gap, and delivers again', async () => {
    await admin.connect();
    const received: string[] = [];
    let gaps = 0;
    listener.onGap(() => gaps++);
    listener.listen(channels.a, (payload, channel) => received.push(`${channel === channels.a ? 'a' : '?'}:${payload}`));
    const stopB = listener.listen(channels.b, (payload) => received.push(`b:${payload}`));
    assert.equal(await listener.ready(), true);

    await notify(channels.a, '1');
    await notify(channels.b, '2');
    await until('both notifications arrive', () => received.length === 2);
    assert.deepEqual(received, ['a:1', 'b:2']);
    const [pid, ...others] = await sessions();
    assert.ok(pid, 'the listener shows in pg_stat_activity under its application name');
    assert.deepEqual(others, [], 'one session for both channels');
    assert.equal(gaps, 0, 'no gap while the first session is up');

    // Postgres ends the session (an admin, a failover, a restarted server): what is sent meanwhile is missed.
    await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [applicationName]);
    await until('the listener notices the lost session', () => !listener.connected);
    await notify(channels.a, 'missed');
    await until('the listener reports the gap once it is back', () => gaps === 1);
    assert.equal(listener.connected, true);
    const [newPid, ...more] = await sessions();
    assert.ok(newPid && newPid !== pid, 'a new backend');
    assert.deepEqual(more, []);

    await notify(channels.a, '3');
    await notify(channels.b, '4');
    await until('notifications after the reconnect arrive on both channels', () => received.length === 4);
    assert.deepEqual(received, ['a:1', 'b:2', 'a:3', 'b:4']);

    // A channel nobody listens on any more is UNLISTENed; the others keep arriving.
    stopB();
    assert.equal(await listener.ready(), true);
    await notify(channels.b, 'ignored');
    await notify(channels.a, '5');
    await until('a keeps arriving', () => received.length === 5);
    assert.deepEqual(received, ['a:1', 'b:2', 'a:3', 'b:4', 'a:5']);
    assert.equal(gaps, 1);
  });

  it('close ends the session and a later subscription opens none', async () => {
    await listener.close();
    listener.listen(channels.a, () => assert.fail('closed'));
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(await sessions(), []);
    assert.equal(await listener.ready(), false);
  });
});
