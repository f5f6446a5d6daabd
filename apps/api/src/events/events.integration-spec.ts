import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from 'pg';
import { ADMIN_TOKEN, eventually, startApiUnderTest, type ApiUnderTest } from '../testing/api-harness';

const TASK = 'resources:\n  cpus: 1\nrun: echo hi\n';

interface Received {
  id: string;
  type: string;
}

/** Follows GET /v1/events, collecting what arrives, until stopped (a client disconnect). */
function follow(base: string, query: string, headers: Record<string, string> = {}, token = ADMIN_TOKEN): { received: Received[]; stop: () => void; done: Promise<void> } {
  const received: Received[] = [];
  const controller = new AbortController();
  const done = (async () => {
    const res = await fetch(`${base}/v1/events?${query}`, { headers: { authorization: `Bearer ${token}`, ...headers }, signal: controller.signal });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/event-stream/);
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const id = /^id: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (id && data) received.push({ id, type: (JSON.parse(data) as { type: string }).type });
        }
      }
    } catch (error) {
      if ((error as Error).name !== 'AbortError') throw error;
    }
  })();
  return { received, stop: () => controller.abort(), done };
}

describe('GET /v1/events: ordered, resumable, no gaps (api process, real Postgres)', () => {
  let t: ApiUnderTest;
  let n = 0;
  const launch = async (): Promise<void> => {
    const res = await t.call('POST', `/v1/clusters/ev-${++n}/launch`, { body: { task: TASK } });
    assert.equal(res.status, 202);
  };
  const allIds = async (): Promise<string[]> => (await t.pg.query('SELECT id::text FROM events ORDER BY id')).rows.map((r) => r.id as string);

  before(async () => {
    t = await startApiUnderTest('api_events', { SKYPORT_WEBHOOKS: 'off' });
  });

  after(async () => {
    await t?.stop();
  });

  it('a followed stream with nothing new stays open until the client leaves (the dashboard\'s live indicator)', async () => {
    const stream = follow(t.base, 'follow=1');
    const ended = await Promise.race([stream.done.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 6_000))]);
    assert.equal(ended, false, 'the api ended a followed event stream by itself');
    stream.stop();
    await stream.done;
  });

  it('a client that disconnects and resumes from its last id (query or Last-Event-ID) loses nothing and sees nothing twice', async () => {
    await launch();
    await launch();
    const first = follow(t.base, 'since=0');
    await eventually(async () => first.received.length >= 2, 10_000, 'first events');
    first.stop();
    await first.done;
    const seen = [...first.received];
    // While disconnected, more happens.
    await launch();
    await launch();
    await launch();
    const resumed = follow(t.base, `since=${seen[seen.length - 1].id}`);
    await eventually(async () => resumed.received.length >= 3, 10_000, 'resumed events');
    resumed.stop();
    await resumed.done;
    seen.push(...resumed.received);
    assert.deepEqual(seen.map((e) => e.id), await allIds());

    // The standard reconnect header works the same.
    const byHeader = follow(t.base, '', { 'last-event-id': seen[1].id });
    await eventually(async () => byHeader.received.length >= 3, 10_000, 'events after Last-Event-ID');
    byHeader.stop();
    await byHeader.done;
    assert.deepEqual(byHeader.received.map((e) => e.id), (await allIds()).slice(2));
  });

  it('an event committed late with a lower id is delivered before the later ones; a rolled-back id does not stall the stream', async () => {
    const start = (await allIds()).at(-1) as string;
    const stream = follow(t.base, `since=${start}`);
    const slow = new Client({ connectionString: t.dbUrl });
    await slow.connect();
    try {
      // A transaction takes the next id and stays open while a launch commits a higher one.
      await slow.query('BEGIN');
      const late = (await slow.query(`INSERT INTO events (type, message, source) VALUES ('test.late', 'committed late', 'test') RETURNING id::text`)).rows[0].id as string;
      await launch();
      await new Promise((r) => setTimeout(r, 700));
      assert.equal(stream.received.length, 0, 'nothing may pass the open lower id');
      await slow.query('COMMIT');
      await eventually(async () => stream.received.length >= 2, 10_000, 'events after the late commit');
      assert.equal(stream.received[0].id, late);
      assert.equal(stream.received[0].type, 'test.late');
      // A rolled-back id leaves a hole for good: the stream waits it out briefly, then goes on.
      await slow.query('BEGIN');
      await slow.query(`INSERT INTO events (type, message, source) VALUES ('test.rolled-back', 'never', 'test')`);
      await slow.query('ROLLBACK');
      await launch();
      await eventually(async () => stream.received.length >= 3, 10_000, 'events after a rolled-back id');
    } finally {
      await slow.end();
      stream.stop();
      await stream.done;
    }
    const ids = stream.received.map((e) => BigInt(e.id));
    assert.deepEqual([...ids].sort((a, b) => (a < b ? -1 : 1)), ids, 'in id order');
    assert.ok(!stream.received.some((e) => e.type === 'test.rolled-back'));
    assert.deepEqual(stream.received.map((e) => e.id), (await allIds()).filter((id) => BigInt(id) > BigInt(start)));
  });

  it('follow=0 answers what exists and ends; types= filters by prefix; a bad cursor is a 400', async () => {
    const res = await t.call('GET', '/v1/events?since=0&follow=0&types=test.');
    assert.equal(res.status, 200);
    const types = [...String(res.body).matchAll(/^event: (.*)$/gm)].map((m) => m[1]);
    assert.deepEqual(types, ['test.late']);
    assert.equal((await t.call('GET', '/v1/events?since=abc')).status, 400);
  });

  it("a team member's stream stays open and carries only their team's events", async () => {
    const alice = await t.userIn('team-red', 'alice-ev');
    const bob = await t.userIn('team-blue', 'bob-ev');
    const since = (await allIds()).at(-1) ?? '0';
    const stream = follow(t.base, `since=${since}`, {}, alice.token);
    const mine = await t.call('POST', '/v1/clusters/ev-red/launch', { token: alice.token, body: { task: TASK } });
    const theirs = await t.call('POST', '/v1/clusters/ev-blue/launch', { token: bob.token, body: { task: TASK } });
    assert.equal(mine.status, 202);
    assert.equal(theirs.status, 202);
    await eventually(async () => stream.received.length > 0, 15_000, "alice's event");
    // Still following after more events arrive (an error in the visibility query used to end the stream).
    await new Promise((r) => setTimeout(r, 1_500));
    const ended = await Promise.race([stream.done.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 200))]);
    assert.equal(ended, false, 'the stream ended');
    stream.stop();
    await stream.done;
    const rows = await t.pg.query('SELECT id::text AS id, cluster_name FROM events WHERE id > $1', [since]);
    const byId = new Map(rows.rows.map((r) => [r.id as string, r.cluster_name as string]));
    assert.ok(stream.received.every((e) => byId.get(e.id) === 'ev-red'), JSON.stringify(stream.received));
  });

  it("an admin's teardown of a team's cluster belongs to that team: its members see the request and events, the admin's team 'default' does not", async () => {
    const owner = await t.userIn('alpha', 'ava');
    const mate = await t.userIn('alpha', 'abe');
    const bystander = await t.userIn('default', 'dora');
    // From here on (earlier tests leave deliberate gaps that a follow=0 read stops at).
    const since = (await t.pg.query('SELECT COALESCE(max(id), 0)::text AS id FROM events')).rows[0].id as string;
    const launched = await t.call('POST', '/v1/clusters/alpha-c/launch', { token: owner.token, body: { task: TASK } });
    assert.equal(launched.status, 202, JSON.stringify(launched.body));
    const down = await t.call('POST', '/v1/clusters/alpha-c/down', {});
    assert.ok([200, 202].includes(down.status), JSON.stringify(down.body));
    const downId = down.body.requestId as string;
    const streamOf = async (token: string): Promise<Array<{ type: string; clusterName?: string; requestId?: string }>> => {
      const res = await t.call('GET', `/v1/events?since=${since}&follow=0`, { token });
      assert.equal(res.status, 200);
      return String(res.body)
        .split('\n')
        .filter((l) => l.startsWith('data: '))
        .map((l) => JSON.parse(l.slice(6)));
    };
    for (const member of [owner, mate]) {
      assert.equal((await t.call('GET', `/v1/requests/${downId}`, { token: member.token })).status, 200, 'the team sees the admin\'s request on its cluster');
      const events = await streamOf(member.token);
      assert.ok(events.some((e) => e.requestId === downId && e.clusterName === 'alpha-c'), `the team's stream shows the teardown: ${JSON.stringify(events.slice(-5))} ${JSON.stringify(down.body)}`);
    }
    assert.equal((await t.call('GET', `/v1/requests/${downId}`, { token: bystander.token })).status, 404, "the admin's team does not see it");
    const theirs = await streamOf(bystander.token);
    assert.ok(!theirs.some((e) => e.clusterName === 'alpha-c' || e.requestId === downId), JSON.stringify(theirs));
  });
});
