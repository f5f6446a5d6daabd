import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { JobStatus } from '@skyport/contracts';
import { migratedTestDatabase } from '@skyport/persistence/testing';
import { transitionJobs } from './job-transition';

const hasDb = Boolean(process.env.SKYPORT_TEST_DATABASE_URL);

describe('transitionJobs: compare-and-set of jobs.status with their events', { skip: hasDb ? false : 'needs the local stack (npm test)' }, () => {
  let ds: DataSource;
  let drop: () => Promise<void>;

  before(async () => {
    const db = await migratedTestDatabase('job_transition');
    ds = db.ds;
    drop = db.drop;
  });

  after(async () => {
    await drop?.();
  });

  /** A cluster with one job per status given (job ids 1, 2, ...), each with a request of its own when asked. */
  const seed = async (cluster: string, statuses: JobStatus[], opts: { requests?: boolean; startedAt?: string } = {}) => {
    await ds.query(`INSERT INTO clusters (name, phase, owner) VALUES ($1, 'UP', 'alice')`, [cluster]);
    const requestIds: Array<string | null> = [];
    for (const [i, status] of statuses.entries()) {
      const requestId = opts.requests ? randomUUID() : null;
      if (requestId) {
        await ds.query(`INSERT INTO requests (id, kind, status, cluster_name, owner, body_hash, payload) VALUES ($1, 'exec', 'RUNNING', $2, 'alice', 'h', '{}')`, [requestId, cluster]);
      }
      await ds.query(`INSERT INTO jobs (cluster_name, job_id, status, task, request_id, started_at) VALUES ($1, $2, $3, '{}', $4, $5)`, [cluster, i + 1, status, requestId, opts.startedAt ?? null]);
      requestIds.push(requestId);
    }
    return requestIds;
  };
  const jobsOf = async (cluster: string) =>
    (await ds.query(`SELECT job_id, status, started_at IS NOT NULL AS started, ended_at IS NOT NULL AS ended, exit_codes FROM jobs WHERE cluster_name = $1 ORDER BY job_id`, [cluster])) as Array<{
      job_id: number;
      status: string;
      started: boolean;
      ended: boolean;
      exit_codes: number[] | null;
    }>;
  const eventsOf = async (cluster: string) =>
    (await ds.query(`SELECT type, message, job_id, request_id, data FROM events WHERE cluster_name = $1 ORDER BY id`, [cluster])) as Array<{
      type: string;
      message: string;
      job_id: number;
      request_id: string | null;
      data: unknown;
    }>;

  test("a cluster's jobs: only those in `from` move (ended_at set), and only they get job.<to>", async () => {
    const requests = await seed('jt-set', [JobStatus.Running, JobStatus.Pending, JobStatus.SettingUp, JobStatus.Succeeded], { requests: true });
    const moved = await ds.transaction((tx) =>
      transitionJobs(tx, { clusterName: 'jt-set' }, { from: [JobStatus.SettingUp, JobStatus.Running], to: JobStatus.Failed, event: { message: (j) => `job ${j.jobId} failed`, data: { jobStatus: 'FAILED' } } }),
    );
    assert.deepEqual(moved, [
      { jobId: 1, requestId: requests[0] },
      { jobId: 3, requestId: requests[2] },
    ]);
    assert.deepEqual(
      (await jobsOf('jt-set')).map((j) => [j.job_id, j.status, j.ended]),
      [
        [1, 'FAILED', true],
        [2, 'PENDING', false],
        [3, 'FAILED', true],
        [4, 'SUCCEEDED', false],
      ],
    );
    assert.deepEqual(await eventsOf('jt-set'), [
      { type: 'job.failed', message: 'job 1 failed', job_id: 1, request_id: requests[0], data: { jobStatus: 'FAILED' } },
      { type: 'job.failed', message: 'job 3 failed', job_id: 3, request_id: requests[2], data: { jobStatus: 'FAILED' } },
    ]);
  });

  test('one job: a start keeps its first started_at; exit codes are written; no event unless asked', async () => {
    await seed('jt-one', [JobStatus.Pending, JobStatus.Pending]);
    const first = await ds.transaction((tx) => transitionJobs(tx, { clusterName: 'jt-one', jobId: 1 }, { from: [JobStatus.Pending], to: JobStatus.SettingUp }));
    assert.deepEqual(first, [{ jobId: 1, requestId: null }]);
    const startedAt = async () => (await ds.query(`SELECT started_at FROM jobs WHERE cluster_name = 'jt-one' AND job_id = 1`))[0].started_at as Date;
    const before = await startedAt();
    await ds.transaction((tx) => transitionJobs(tx, { clusterName: 'jt-one', jobId: 1 }, { from: [JobStatus.SettingUp], to: JobStatus.Running }));
    assert.equal((await startedAt()).getTime(), before.getTime(), 'RUNNING after SETTING_UP keeps the first started_at');
    await ds.transaction((tx) => transitionJobs(tx, { clusterName: 'jt-one', jobId: 1 }, { from: [JobStatus.Running], to: JobStatus.Succeeded, exitCodes: [0, 0] }));
    assert.deepEqual(
      (await jobsOf('jt-one')).map((j) => [j.job_id, j.status, j.started, j.ended, j.exit_codes]),
      [
        [1, 'SUCCEEDED', true, true, [0, 0]],
        [2, 'PENDING', false, false, null],
      ],
    );
    assert.deepEqual(await eventsOf('jt-one'), []);
  });

  test('a job no longer in `from` is left alone and gets no event; a request selects its jobs only', async () => {
    const requests = await seed('jt-none', [JobStatus.Cancelled, JobStatus.Pending], { requests: true });
    const none = await ds.transaction((tx) =>
      transitionJobs(tx, { clusterName: 'jt-none', jobId: 1 }, { from: [JobStatus.Init, JobStatus.Pending], to: JobStatus.Cancelled, event: { message: () => 'x' } }),
    );
    assert.deepEqual(none, []);
    const byRequest = await ds.transaction((tx) =>
      transitionJobs(tx, { clusterName: 'jt-none', requestId: String(requests[1]) }, { from: [JobStatus.Pending], to: JobStatus.Failed }),
    );
    assert.deepEqual(byRequest, [{ jobId: 2, requestId: requests[1] }]);
    assert.deepEqual((await jobsOf('jt-none')).map((j) => j.status), ['CANCELLED', 'FAILED']);
    assert.deepEqual(await eventsOf('jt-none'), []);
  });

  test('a rolled-back transaction keeps neither the status nor the event', async () => {
    await seed('jt-rollback', [JobStatus.Running]);
    await assert.rejects(
      ds.transaction(async (tx) => {
        await transitionJobs(tx, { clusterName: 'jt-rollback', jobId: 1 }, { from: [JobStatus.Running], to: JobStatus.Failed, event: { message: () => 'x' } });
        throw new Error('rollback');
      }),
      /rollback/,
    );
    assert.equal((await jobsOf('jt-rollback'))[0]?.status, 'RUNNING');
    assert.deepEqual(await eventsOf('jt-rollback'), []);
  });

  test('of two racing transitions from the same status, one wins (one event)', async () => {
    await seed('jt-race', [JobStatus.Running]);
    const results = await Promise.all(
      [JobStatus.Succeeded, JobStatus.Cancelled].map((to) =>
        ds.transaction((tx) => transitionJobs(tx, { clusterName: 'jt-race', jobId: 1 }, { from: [JobStatus.Running], to, event: { message: () => to } })),
      ),
    );
    assert.deepEqual(results.map((r) => r.length).sort(), [0, 1]);
    const events = await eventsOf('jt-race');
    assert.equal(events.length, 1);
    assert.equal((await jobsOf('jt-race'))[0]?.status, events[0]?.message);
  });

  test('an empty `from` is refused', async () => {
    await assert.rejects(ds.transaction((tx) => transitionJobs(tx, { clusterName: 'jt-none' }, { from: [], to: JobStatus.Failed })), /no status to move from/);
  });
});
