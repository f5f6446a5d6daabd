import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { EVENTS_CHANNEL, JobStatus, OUTBOX_CHANNEL, QueueName, RequestKind } from '@skyport/contracts';
import { PgListener, createLogger } from '@skyport/service-kit';
import { parseTaskObject } from '@skyport/task-spec';
import { migratedTestDatabase, type MigratedTestDatabase } from '@skyport/persistence/testing';
import { outboxRow } from '../outbox/add-to-outbox';
import { insertLaunchRows, type LaunchRows } from './launch-rows';

const TASK = parseTaskObject({ name: 't' });
/** The task as the jsonb column gives it back. */
const STORED_TASK: unknown = JSON.parse(JSON.stringify(TASK));

/** The one-statement write of an accepted launch against real Postgres: the rows, the hand-off and the notifications. */
describe('launch rows in one statement (real Postgres)', () => {
  let db: MigratedTestDatabase;
  let ds: DataSource;
  let listener: PgListener;
  const heard: Array<{ channel: string; payload: string | undefined }> = [];

  const rowsFor = (team?: string): LaunchRows & { requestId: string; clusterName: string } => {
    const requestId = randomUUID();
    const clusterName = `rows-${requestId.slice(0, 8)}`;
    return {
      requestId,
      clusterName,
      request: { id: requestId, kind: RequestKind.Launch, clusterName, jobId: 1, owner: 'u1', idempotencyKey: null, bodyHash: 'h', payload: { task: TASK, autostop: null, noBurst: false, priority: 0 } },
      job: { name: 't', status: JobStatus.Pending, task: TASK },
      ...(team ? { teamQueue: { team, priority: 0, demand: { cpus: 1, memoryGb: 1, gpus: {}, clusters: 1 }, waitingReason: `waiting for team '${team}' quota check` } } : {}),
      outbox: outboxRow(QueueName.Optimize, { requestId, clusterName }),
      event: { source: 'api', type: 'request.accepted', message: `launch of cluster '${clusterName}' accepted (job 1)` },
    };
  };
  const rowsOf = async (requestId: string) => {
    const [request] = await ds.query(`SELECT kind, status, job_id, owner, payload FROM requests WHERE id = $1`, [requestId]);
    const jobs = await ds.query(`SELECT job_id, name, status, task FROM jobs WHERE request_id = $1`, [requestId]);
    const queue = await ds.query(`SELECT state, reason, admitted_at IS NOT NULL AS admitted FROM launch_queue WHERE request_id = $1`, [requestId]);
    const outbox = await ds.query(`SELECT queue, job_id FROM outbox WHERE payload->>'requestId' = $1`, [requestId]);
    const events = await ds.query(`SELECT id, type, source, job_id FROM events WHERE request_id = $1 ORDER BY id`, [requestId]);
    return { request, jobs, queue, outbox, events };
  };
  const waitHeard = async (test: (h: { channel: string; payload: string | undefined }) => boolean): Promise<void> => {
    const deadline = Date.now() + 15_000;
    while (!heard.some(test)) {
      assert.ok(Date.now() < deadline, `no such notification; heard: ${JSON.stringify(heard)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  before(async () => {
    db = await migratedTestDatabase('api_launch_rows');
    ds = db.ds;
    listener = new PgListener({ databaseUrl: db.url, applicationName: 'skyport-launch-rows-test', logger: createLogger('launch-rows-test', 'silent') });
    for (const channel of [EVENTS_CHANNEL, OUTBOX_CHANNEL]) listener.listen(channel, (payload, ch) => heard.push({ channel: ch, payload }));
    assert.equal(await listener.ready(), true);
  });
  after(async () => {
    await listener?.close();
    await db?.drop();
  });

  it('a team without a quota: request, job, admitted queue row, outbox row and event, notified at commit as recordEvent does', async () => {
    const r = rowsFor('free');
    const answer = await ds.transaction((tx) => insertLaunchRows(tx, r));
    assert.equal(answer.limited, false);
    assert.ok(answer.queueRowId);
    const got = await rowsOf(r.requestId);
    assert.deepEqual(got.request, { kind: 'launch', status: 'PENDING', job_id: 1, owner: 'u1', payload: { task: STORED_TASK, autostop: null, noBurst: false, priority: 0 } });
    assert.deepEqual(got.jobs, [{ job_id: 1, name: 't', status: 'PENDING', task: STORED_TASK }]);
    assert.deepEqual(got.queue, [{ state: 'admitted', reason: null, admitted: true }]);
    assert.deepEqual(got.outbox, [{ queue: 'optimize', job_id: r.outbox?.jobId }]);
    assert.deepEqual(
      got.events.map((e: { type: string; source: string; job_id: number }) => [e.type, e.source, e.job_id]),
      [['request.accepted', 'api', 1]],
    );
    await waitHeard((h) => h.channel === OUTBOX_CHANNEL && h.payload === 'optimize');
    await waitHeard((h) => h.channel === EVENTS_CHANNEL && h.payload !== undefined && JSON.parse(h.payload).requestId === r.requestId);
    const note = JSON.parse(heard.find((h) => h.channel === EVENTS_CHANNEL && h.payload?.includes(r.requestId))?.payload ?? '{}');
    assert.deepEqual(note, { id: String(got.events[0].id), requestId: r.requestId, clusterName: r.clusterName });
  });

  it('a quota that appeared before the statement: the queue row waits with the reason, nothing goes to the outbox', async () => {
    await ds.query(`INSERT INTO team_quotas (team, max_cpus) VALUES ('capped', 4)`);
    const r = rowsFor('capped');
    const answer = await ds.transaction((tx) => insertLaunchRows(tx, r));
    assert.equal(answer.limited, true);
    const got = await rowsOf(r.requestId);
    assert.deepEqual(got.queue, [{ state: 'queued', reason: "waiting for team 'capped' quota check", admitted: false }]);
    assert.deepEqual(got.outbox, []);
    assert.equal(got.events.length, 1);
    assert.equal(got.jobs.length, 1);
  });

  it('without a team queue the hand-off is unconditional; without an outbox or event only request and job are written', async () => {
    const r = rowsFor();
    assert.deepEqual(await ds.transaction((tx) => insertLaunchRows(tx, r)), { limited: false, queueRowId: undefined });
    assert.equal((await rowsOf(r.requestId)).outbox.length, 1);
    const bare = rowsFor();
    await ds.transaction((tx) => insertLaunchRows(tx, { request: bare.request, job: bare.job }));
    const got = await rowsOf(bare.requestId);
    assert.equal(got.jobs.length, 1);
    assert.deepEqual([got.queue, got.outbox, got.events], [[], [], []]);
  });

  it('a failed statement writes nothing (the job id is taken: the request is not left behind)', async () => {
    const first = rowsFor();
    await ds.transaction((tx) => insertLaunchRows(tx, first));
    const clash = rowsFor();
    clash.request.clusterName = first.clusterName;
    await assert.rejects(ds.transaction((tx) => insertLaunchRows(tx, clash)));
    const got = await rowsOf(clash.requestId);
    assert.equal(got.request, undefined);
    assert.deepEqual([got.jobs, got.outbox, got.events], [[], [], []]);
  });
});
