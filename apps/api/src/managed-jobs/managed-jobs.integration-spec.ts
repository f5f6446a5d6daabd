import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startService } from '@skyport/dev-stack';
import { ADMIN_TOKEN, eventually, startApiUnderTest, type ApiUnderTest } from '../testing/api-harness';

const TASK = 'name: scoped\nresources:\n  cpus: 1\nrun: echo hi\n';

/**
 * /v1/jobs on the api process and real Postgres (no optimizer or provisioner: attempts stay where the launch path
 * leaves them): team scoping of jobs and of their events, refusals, and cancel of a job that never ran.
 */
describe('managed jobs API (api process, real Postgres)', () => {
  let t: ApiUnderTest;

  before(async () => {
    t = await startApiUnderTest('api_managed_jobs', { SKYPORT_WEBHOOKS: 'off', SKYPORT_MANAGED_JOBS_SECONDS: '1' });
  });
  after(async () => {
    await t?.stop();
  });

  const eventsOf = async (token: string): Promise<Array<{ type: string; data?: { managedJobId?: number } }>> => {
    const res = await t.call('GET', '/v1/events?since=0&follow=0&types=managed_job.', { token });
    assert.equal(res.status, 200);
    return String(res.body)
      .split('\n')
      .filter((l) => l.startsWith('data: '))
      .map((l) => JSON.parse(l.slice(6)));
  };

  it("a team's jobs and their events are the team's: a teammate sees and cancels them, another team gets 404", async () => {
    const ann = await t.userIn('red', 'ann-mj');
    const ari = await t.userIn('red', 'ari-mj');
    const bo = await t.userIn('blue', 'bo-mj');
    const submitted = await t.call('POST', '/v1/jobs', { token: ann.token, body: { task: TASK } });
    assert.equal(submitted.status, 202, JSON.stringify(submitted.body));
    const id = submitted.body.id as number;
    assert.deepEqual(submitted.body, { id, name: 'scoped', status: 'PENDING' });

    // The controller records attempt 1 (its cluster), then launches it through the ordinary launch path.
    await eventually(async () => (await t.call('GET', `/v1/jobs/${id}`, { token: ari.token })).body.cluster === `sky-jobs-${id}-1`, 15_000, 'the first attempt');
    const launchOf = () => t.pg.query(`SELECT kind, payload->>'taskId' AS task_id FROM requests WHERE cluster_name = $1`, [`sky-jobs-${id}-1`]);
    await eventually(async () => (await launchOf()).rows.length > 0, 15_000, "the first attempt's launch request");
    const request = await launchOf();
    const view = (await t.call('GET', `/v1/jobs/${id}`, { token: ari.token })).body;
    assert.deepEqual(request.rows, [{ kind: 'launch', task_id: view.taskId }]);

    const list = await t.call('GET', '/v1/jobs', { token: bo.token });
    assert.ok(!(list.body.items as Array<{ id: number }>).some((j) => j.id === id), 'another team does not list it');
    assert.equal((await t.call('GET', `/v1/jobs/${id}`, { token: bo.token })).status, 404);
    assert.equal((await t.call('POST', `/v1/jobs/${id}/cancel`, { token: bo.token })).status, 404);

    assert.ok((await eventsOf(ari.token)).some((e) => e.type === 'managed_job.pending' && e.data?.managedJobId === id), "the teammate sees the job's PENDING event (it has no cluster yet)");
    assert.ok(!(await eventsOf(bo.token)).some((e) => e.data?.managedJobId === id), 'another team does not');

    const cancel = await t.call('POST', `/v1/jobs/${id}/cancel`, { token: ari.token });
    assert.equal(cancel.status, 202);
    assert.deepEqual(cancel.body, { cancelled: [id] });
    // Nothing runs its launch here; the teardown of a launch that never left the api ends at once (or stays TEARING_DOWN).
    await eventually(async () => ['CANCELLING', 'CANCELLED'].includes((await t.call('GET', `/v1/jobs/${id}`, { token: ann.token })).body.status as string), 15_000, 'cancelling');
  });

  it('two api replicas: one controller (the lease), so every job gets exactly one launch for its attempt', async () => {
    const second = await startService('api', {
      SKYPORT_DATABASE_URL: t.dbUrl,
      SKYPORT_REDIS_URL: t.redisUrl,
      SKYPORT_LOG_LEVEL: 'warn',
      SKYPORT_BOOTSTRAP_TOKEN: ADMIN_TOKEN,
      SKYPORT_PROVISIONER_GRPC: '127.0.0.1:1',
      SKYPORT_OPTIMIZER_GRPC: '127.0.0.1:1',
      SKYPORT_WEBHOOKS: 'off',
      SKYPORT_MANAGED_JOBS_SECONDS: '1',
    }, 90_000);
    try {
      const ids: number[] = [];
      for (let i = 0; i < 6; i++) {
        const base = i % 2 ? `http://127.0.0.1:${second.healthPort}` : t.base;
        const res = await fetch(`${base}/v1/jobs`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify({ task: TASK }) });
        assert.equal(res.status, 202);
        ids.push(((await res.json()) as { id: number }).id);
      }
      const launches = async () =>
        (await t.pg.query(`SELECT cluster_name, count(*)::int AS n FROM requests WHERE kind = 'launch' AND cluster_name = ANY($1) GROUP BY cluster_name`, [ids.map((id) => `sky-jobs-${id}-1`)])).rows as Array<{ n: number }>;
      await eventually(async () => (await launches()).length === ids.length, 20_000, 'a launch for every job');
      // A few more passes of both replicas change nothing.
      await new Promise((r) => setTimeout(r, 2_500));
      assert.deepEqual((await launches()).map((r) => r.n), ids.map(() => 1));
      const attempts = await t.pg.query('SELECT attempt FROM managed_jobs WHERE id = ANY($1)', [ids]);
      assert.deepEqual(attempts.rows.map((r) => r.attempt), ids.map(() => 1));
    } finally {
      await second.stop();
    }
  });

  it('refuses pool: and a bad cancel body, saying what to do, and writes nothing', async () => {
    const before = Number((await t.pg.query('SELECT count(*) FROM managed_jobs')).rows[0].count);
    const pool = await t.call('POST', '/v1/jobs', { body: { task: 'pool: workers\nrun: echo a\n' } });
    assert.equal(pool.status, 400);
    assert.match(JSON.stringify(pool.body), /pool/);
    const badCancel = await t.call('POST', '/v1/jobs/cancel', { body: { ids: ['x'] } });
    assert.equal(badCancel.status, 400);
    assert.equal((await t.call('GET', '/v1/jobs/abc')).status, 400);
    assert.equal((await t.call('GET', '/v1/jobs/999999')).status, 404);
    assert.equal(Number((await t.pg.query('SELECT count(*) FROM managed_jobs')).rows[0].count), before);
  });
});
