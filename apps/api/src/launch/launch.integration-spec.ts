import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Queue } from 'bullmq';
import IORedis from 'ioredis';
import { Client } from 'pg';
import { QueueName } from '@skyport/contracts';
import { runMigrations } from '@skyport/persistence';
import { freshTestBackends, startService, type RunningService, type TestDatabase } from '@skyport/dev-stack';

// Auth is on by default: the api's bootstrap admin gets this token (SKYPORT_BOOTSTRAP_TOKEN).
const TOKEN = 'skp_launch_intake_test_token_0000000001';
const AUTH = { authorization: `Bearer ${TOKEN}` };
/** Boot takes seconds on an idle machine, far longer while the rest of the suite builds on 2 cores. */
const BOOT_TIMEOUT_MS = 90_000;
const TASK = 'name: hello\nresources:\n  cpus: 1+\nrun: echo hello\n';

describe('api launch intake (real Postgres + Redis, api as its own process)', () => {
  let db: TestDatabase;
  let redisUrl: string;
  let pg: Client;
  let api: RunningService;
  let base: string;

  const env = (extra: Record<string, string> = {}): Record<string, string> => ({
    SKYPORT_DATABASE_URL: db.url,
    SKYPORT_REDIS_URL: redisUrl,
    SKYPORT_LOG_LEVEL: 'warn',
    SKYPORT_API_BODY_LIMIT: '65536',
    SKYPORT_BOOTSTRAP_TOKEN: TOKEN,
    ...extra,
  });

  const post = (path: string, body: string, headers: Record<string, string> = {}): Promise<Response> =>
    fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...AUTH, ...headers }, body });

  const count = async (table: string): Promise<number> => Number((await pg.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n);

  const optimizeJobs = async (): Promise<string[]> => {
    const connection = new IORedis(redisUrl, { maxRetriesPerRequest: null });
    const queue = new Queue(QueueName.Optimize, { connection });
    try {
      const jobs = await queue.getJobs(['waiting', 'delayed', 'active', 'completed', 'failed', 'prioritized']);
      return jobs.map((j) => String(j.id));
    } finally {
      await queue.close();
      await connection.quit();
    }
  };

  before(async () => {
    ({ db, redisUrl } = await freshTestBackends('api_launch', runMigrations));
    pg = new Client({ connectionString: db.url });
    await pg.connect();
    api = await startService('api', env(), BOOT_TIMEOUT_MS);
    base = `http://127.0.0.1:${api.healthPort}`;
  });

  after(async () => {
    await api?.stop();
    await pg?.end();
    await db?.drop();
  });

  it('accepts a launch with 202 and writes request, cluster, job, event and outbox rows together', async () => {
    const res = await post('/v1/clusters/first/launch', JSON.stringify({ task: TASK }));
    assert.equal(res.status, 202);
    const body = (await res.json()) as { requestId: string; jobId: number };
    assert.match(body.requestId, /^[0-9a-f-]{36}$/);
    assert.equal(body.jobId, 1);
    const rows = await pg.query('SELECT status FROM clusters WHERE name = $1', ['first']);
    assert.equal(rows.rows[0].status, 'INIT');
    assert.equal((await pg.query('SELECT status FROM jobs WHERE cluster_name = $1', ['first'])).rows[0].status, 'PENDING');
    assert.equal((await pg.query('SELECT count(*)::int AS n FROM outbox WHERE payload->>$2 = $1', [body.requestId, 'requestId'])).rows[0].n, 1);
    const view = (await (await fetch(`${base}/v1/requests/${body.requestId}`, { headers: AUTH })).json()) as { status: string; events: Array<{ type: string }> };
    assert.equal(view.status, 'PENDING');
    assert.equal(view.events[0].type, 'request.accepted');
  });

  it('refuses malformed JSON, an oversized body and an invalid cluster name with {code, message} and writes nothing', async () => {
    const before = await count('requests');
    const malformed = await post('/v1/clusters/ok-name/launch', '{"task": ');
    assert.equal(malformed.status, 400);
    assert.equal(((await malformed.json()) as { code: string }).code, 'MALFORMED_JSON');

    const huge = await post('/v1/clusters/ok-name/launch', JSON.stringify({ task: `run: echo ${'x'.repeat(70_000)}` }));
    assert.equal(huge.status, 413);
    assert.equal(((await huge.json()) as { code: string }).code, 'PAYLOAD_TOO_LARGE');

    for (const bad of ['Bad_Name', 'a'.repeat(43), '-leading', 'has.dot']) {
      const res = await post(`/v1/clusters/${encodeURIComponent(bad)}/launch`, JSON.stringify({ task: TASK }));
      assert.equal(res.status, 400, bad);
      const err = (await res.json()) as { code: string; message: string };
      assert.equal(err.code, 'INVALID_CLUSTER_NAME');
      assert.ok(err.message.includes('cluster name'), err.message);
    }

    const badTask = await post('/v1/clusters/ok-name/launch', JSON.stringify({ task: 'resources: [unclosed' }));
    assert.equal(badTask.status, 400);
    assert.equal(((await badTask.json()) as { code: string }).code, 'INVALID_TASK');

    const noTask = await post('/v1/clusters/ok-name/launch', JSON.stringify({ nope: 1 }));
    assert.equal(noTask.status, 400);
    assert.equal(await count('requests'), before);
    assert.equal((await pg.query("SELECT count(*)::int AS n FROM clusters WHERE name = 'ok-name'")).rows[0].n, 0);
  });

  it('honours Idempotency-Key: a retried POST returns the first request; two keys make two requests', async () => {
    const first = await post('/v1/clusters/idem-a/launch', JSON.stringify({ task: TASK }), { 'idempotency-key': 'key-1' });
    const retry = await post('/v1/clusters/idem-a/launch', JSON.stringify({ task: TASK }), { 'idempotency-key': 'key-1' });
    assert.equal(first.status, 202);
    assert.equal(retry.status, 202);
    assert.equal(retry.headers.get('idempotent-replayed'), 'true');
    const a = (await first.json()) as { requestId: string };
    const b = (await retry.json()) as { requestId: string };
    assert.equal(a.requestId, b.requestId);
    assert.equal((await pg.query("SELECT count(*)::int AS n FROM requests WHERE idempotency_key = 'key-1'")).rows[0].n, 1);

    const other = await post('/v1/clusters/idem-b/launch', JSON.stringify({ task: TASK }), { 'idempotency-key': 'key-2' });
    assert.equal(other.status, 202);
    assert.notEqual(((await other.json()) as { requestId: string }).requestId, a.requestId);

    const reused = await post('/v1/clusters/idem-c/launch', JSON.stringify({ task: TASK }), { 'idempotency-key': 'key-1' });
    assert.equal(reused.status, 422);
    assert.equal(((await reused.json()) as { code: string }).code, 'IDEMPOTENCY_KEY_REUSED');
  });

  it('concurrent retries with one key create one request', async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, () => post('/v1/clusters/idem-race/launch', JSON.stringify({ task: TASK }), { 'idempotency-key': 'race' })),
    );
    const ids = new Set<string>();
    for (const res of results) {
      assert.equal(res.status, 202);
      ids.add(((await res.json()) as { requestId: string }).requestId);
    }
    assert.equal(ids.size, 1);
  });

  it('outbox: an api killed after commit and before publish loses nothing; the next relay publishes exactly once', async () => {
    // An api whose relay is off stands for one that died between the commit and the publish.
    const crashing = await startService('api', env({ SKYPORT_OUTBOX_RELAY: 'off' }), BOOT_TIMEOUT_MS);
    const res = await fetch(`http://127.0.0.1:${crashing.healthPort}/v1/clusters/outbox-test/launch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...AUTH },
      body: JSON.stringify({ task: TASK }),
    });
    assert.equal(res.status, 202);
    const { requestId } = (await res.json()) as { requestId: string };
    await crashing.kill();
    const pending = await pg.query('SELECT id, job_id, published_at FROM outbox WHERE payload->>$2 = $1', [requestId, 'requestId']);
    assert.equal(pending.rows.length, 1);

    // The api started in `before` still runs its relay: give it its 1 s poll.
    const jobId = String(pending.rows[0].job_id);
    const deadline = Date.now() + 10_000;
    while (!(await optimizeJobs()).includes(jobId)) {
      assert.ok(Date.now() < deadline, 'the relay did not publish the orphaned outbox row');
      await new Promise((r) => setTimeout(r, 100));
    }
    // A relay that publishes again (crash after publish, before marking) must not enqueue a second job.
    await pg.query('UPDATE outbox SET published_at = NULL WHERE id = $1', [pending.rows[0].id]);
    const again = Date.now() + 10_000;
    while ((await pg.query('SELECT published_at FROM outbox WHERE id = $1', [pending.rows[0].id])).rows[0].published_at === null) {
      assert.ok(Date.now() < again, 'the relay did not re-publish');
      await new Promise((r) => setTimeout(r, 100));
    }
    const matching = (await optimizeJobs()).filter((id) => id === jobId);
    assert.equal(matching.length, 1);
  });
});
