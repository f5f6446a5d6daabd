import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { ManagedJobView } from '@skyport/contracts';
import { eventually, startApiUnderTest, type ApiUnderTest } from '../testing/api-harness';

/**
 * Managed job pipelines, the controller log and the cost so far on the api process and real Postgres (no optimizer
 * or provisioner: a launch stays where the launch path leaves it): what a submit records per task, what the
 * first attempt's launch carries, cancel, refusals, and the cost priced as the cost report prices clusters.
 */
describe('managed job pipelines API (api process, real Postgres)', () => {
  let t: ApiUnderTest;

  before(async () => {
    t = await startApiUnderTest('api_mj_pipelines', { SKYPORT_WEBHOOKS: 'off', SKYPORT_MANAGED_JOBS_SECONDS: '1' });
  });
  after(async () => {
    await t?.stop();
  });

  const view = async (id: number) => (await t.call('GET', `/v1/jobs/${id}`)).body as ManagedJobView;
  const launchOf = async (cluster: string) =>
    (await t.pg.query(`SELECT id, payload->>'taskId' AS task_id, payload->'task'->'envs'->>'SKYPILOT_TASK_IDS' AS ids, payload->'task'->>'name' AS name FROM requests WHERE cluster_name = $1 AND kind = 'launch'`, [cluster])).rows[0] as
      | { id: string; task_id: string; ids: string; name: string }
      | undefined;

  it('a multi-document task is one job with a row per task, in order; the first task launches with its SKYPILOT_TASK_ID and SKYPILOT_TASK_IDS', async () => {
    const submitted = await t.call('POST', '/v1/jobs', { body: { task: 'name: pipe\n---\nname: prep\nresources:\n  cpus: 1\nrun: echo a\n---\nresources:\n  cpus: 1\nrun: echo b\n', envs: { SHARED: 'yes' } } });
    assert.equal(submitted.status, 202, JSON.stringify(submitted.body));
    const id = submitted.body.id as number;
    assert.deepEqual(submitted.body, { id, name: 'pipe', status: 'PENDING' });
    const job = await view(id);
    assert.deepEqual(
      job.tasks.map((task) => ({ index: task.index, name: task.name, taskId: task.taskId })),
      [
        { index: 0, name: 'prep', taskId: job.tasks[0].taskId },
        { index: 1, name: 'pipe-1', taskId: job.tasks[1].taskId },
      ],
    );
    assert.match(job.tasks[0].taskId, new RegExp(`^sky-managed-\\d{4}(-\\d{2}){5}-\\d{6}_pipe_prep_${id}-0$`));
    assert.match(job.tasks[1].taskId, new RegExp(`_pipe_pipe-1_${id}-1$`));
    assert.equal(job.taskId, job.tasks[0].taskId);
    assert.equal(job.currentTask, 0);
    assert.equal(job.cost, 0);

    await eventually(async () => (await launchOf(`sky-jobs-${id}-1`)) !== undefined, 30_000, "the first task's launch");
    const launch = (await launchOf(`sky-jobs-${id}-1`))!;
    assert.deepEqual({ taskId: launch.task_id, ids: launch.ids.split('\n'), name: launch.name }, { taskId: job.tasks[0].taskId, ids: job.tasks.map((task) => task.taskId), name: 'prep' });
    const stored = await t.pg.query(`SELECT task->'envs'->>'SHARED' AS shared FROM managed_job_tasks WHERE job_id = $1 ORDER BY task_index`, [id]);
    assert.deepEqual(stored.rows, [{ shared: 'yes' }, { shared: 'yes' }], '--env reaches every task');
    const during = await view(id);
    assert.deepEqual(during.tasks.map((task) => task.status), [during.status, 'PENDING']);
    assert.equal(during.tasks[0].cluster, `sky-jobs-${id}-1`);

    // The controller log: the job's events and its cluster's, oldest first.
    const log = await t.call('GET', `/v1/jobs/${id}/controller-log`);
    assert.equal(log.status, 200);
    assert.match(log.headers.get('content-type') ?? '', /^text\/plain/);
    const lines = String(log.body).trim().split('\n');
    assert.match(lines[0], /^\d{4}-\d\d-\d\dT\S+Z managed_job\.pending managed job \d+ 'pipe' \(a pipeline of 2 tasks\) submitted by admin$/);
    assert.ok(lines.some((l) => / managed_job\.starting \[sky-jobs-\d+-1\] /.test(l)), lines.join('\n'));
    assert.ok(lines.some((l) => / request\.\w+ \[sky-jobs-\d+-1\] /.test(l)), `its cluster's launch events: ${lines.join('\n')}`);

    assert.equal((await t.call('POST', `/v1/jobs/${id}/cancel`)).status, 202);
    await eventually(async () => ['CANCELLING', 'CANCELLED'].includes((await view(id)).tasks[0].status), 30_000, 'the current task cancelling');
  });

  it('"tasks" with "name", a cost priced as the cost report prices clusters, and an ended job whose later tasks show CANCELLED', async () => {
    const submitted = await t.call('POST', '/v1/jobs', { body: { name: 'listed', tasks: ['resources:\n  cpus: 1\nrun: echo a\n', { resources: { cpus: 1 }, run: 'echo b' }, 'run: echo c\n'] } });
    assert.equal(submitted.status, 202, JSON.stringify(submitted.body));
    const id = submitted.body.id as number;
    const cluster = `sky-jobs-${id}-1`;
    await eventually(async () => (await launchOf(cluster)) !== undefined, 30_000, "the first task's launch");
    assert.equal((await t.call('POST', `/v1/jobs/${id}/cancel`)).status, 202);
    // Its cluster ran 100 s on a candidate of $3.60/h: $0.10, whatever the clock says now.
    const launch = (await launchOf(cluster))!;
    await t.pg.query(`INSERT INTO plans (id, request_id, cluster_name, plan, chosen_index) VALUES ($1, $2, $3, $4, 0)`, [
      randomUUID(),
      launch.id,
      cluster,
      JSON.stringify({ numNodes: 1, candidates: [{ candidateId: 'c', totalHourlyPrice: 3.6, hourlyPrice: 3.6 }] }),
    ]);
    await t.pg.query(`UPDATE clusters SET phase = 'TERMINATED', updated_at = created_at + interval '100 seconds' WHERE name = $1`, [cluster]);
    const done = await eventually(async () => (await view(id)).status === 'CANCELLED', 30_000, 'CANCELLED once its cluster is gone').then(() => view(id));
    assert.deepEqual(done.tasks.map((task) => [task.name, task.status]), [
      ['listed-0', 'CANCELLED'],
      ['listed-1', 'CANCELLED'],
      ['listed-2', 'CANCELLED'],
    ]);
    assert.ok(done.tasks.every((task) => task.endedAt !== null));
    assert.equal(done.cost, 0.1);
    const report = await t.call('GET', '/v1/cost-report?limit=500');
    const item = (report.body.items as Array<{ clusterName: string; totalCost: number }>).find((i) => i.clusterName === cluster);
    assert.equal(item?.totalCost, done.cost, 'the same arithmetic as the cost report');
    const listed = ((await t.call('GET', '/v1/jobs')).body.items as ManagedJobView[]).find((j) => j.id === id);
    assert.equal(listed?.cost, 0.1);
  });

  it('refuses a job group, resource overrides on a pipeline, and a bad task naming which one, and writes nothing', async () => {
    const count = async () => Number((await t.pg.query('SELECT count(*) FROM managed_jobs')).rows[0].count);
    const before = await count();
    const group = await t.call('POST', '/v1/jobs', { body: { task: 'name: g\nexecution: parallel\n---\nrun: a\n---\nrun: b\n' } });
    assert.equal(group.status, 400);
    assert.match(group.body.message as string, /job group/);
    const overrides = await t.call('POST', '/v1/jobs', { body: { tasks: ['run: a\n', 'run: b\n'], overrides: { gpus: 'A100:1' } } });
    assert.equal(overrides.status, 400);
    assert.match(overrides.body.message as string, /set them in each task/);
    const bad = await t.call('POST', '/v1/jobs', { body: { tasks: ['run: a\n', 'resources:\n  cpus: lots\nrun: b\n'] } });
    assert.equal(bad.status, 400);
    assert.match(bad.body.message as string, /^task 1 of the pipeline: /);
    const both = await t.call('POST', '/v1/jobs', { body: { task: 'run: a\n', tasks: ['run: b\n'] } });
    assert.equal(both.status, 400);
    assert.equal(await count(), before);
    const missing = await t.call('GET', '/v1/jobs/999999/controller-log');
    assert.equal(missing.status, 404);
    assert.match(missing.headers.get('content-type') ?? '', /^application\/json/, 'a refusal is the usual JSON error, not text');
  });

  it('plain launch of a pipeline file is refused, pointing at managed jobs', async () => {
    const res = await t.call('POST', '/v1/clusters/plain-pipe/launch', { body: { task: 'run: a\n---\nrun: b\n' } });
    assert.equal(res.status, 400);
    assert.match(res.body.message as string, /pipeline of 2 tasks; a cluster runs one task — submit the pipeline as a managed job \(POST \/v1\/jobs, 'skyport jobs launch'\)/);
  });
});
