import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ManagedJobView } from '@skyport/contracts';
import { Client } from 'pg';
import { E2E_TOKEN, skyport } from './e2e-stack';
import { sleep, startManagedJobsBed, type ManagedJobsBed } from './managed-jobs-harness';

/**
 * Managed jobs on the whole control plane and the local KWOK cluster: the controller (in the api) launches a
 * cluster per attempt through the ordinary launch path, tears it down when the job ends, recovers a job whose pod
 * was deleted, restarts user-code failures up to max_restarts_on_errors, and cancels. (Pipelines:
 * managed-job-pipelines.e2e-spec.ts.)
 */
describe('managed jobs (skyport jobs)', () => {
  let bed: ManagedJobsBed;

  before(async () => {
    // A job a killed service held is taken up again once its BullMQ lock lapses: 10 s, as the chaos suite uses.
    bed = await startManagedJobsBed('e2e_managed_jobs', { env: { SKYPORT_QUEUE_LOCK_SECONDS: '10' } });
  });
  after(async () => {
    await bed?.stop();
  });

  const submit = (task: string) => bed.submit(task);
  const until = (id: number, done: (j: ManagedJobView) => boolean, what: string, ms?: number) => bed.until(id, done, what, ms);
  const podsOf = (cluster: string) => bed.podsOf(cluster);
  const noPodsLeft = (cluster: string) => bed.noPodsLeft(cluster);
  const clusterStatus = (name: string) => bed.clusterStatus(name);

  it('a job that succeeds ends SUCCEEDED and its cluster is torn down; jobs queue -o json shows it', async () => {
    const id = await submit('name: ok\nresources:\n  cpus: 1\nrun: echo managed $SKYPILOT_TASK_ID\n');
    const seenRunningOrDone = await until(id, (j) => j.cluster !== null, 'got a cluster');
    const cluster = seenRunningOrDone.cluster!;
    assert.equal(cluster, `sky-jobs-${id}-1`);
    const done = await until(id, (j) => j.status === 'SUCCEEDED', 'SUCCEEDED');
    assert.equal(done.recoveryCount, 0);
    await noPodsLeft(cluster);
    const t0 = Date.now();
    while ((await clusterStatus(cluster)) !== 'TERMINATED') {
      assert.ok(Date.now() - t0 < 30_000, `cluster ${cluster} is ${await clusterStatus(cluster)}`);
      await sleep(300);
    }
    const queue = await skyport(bed.stack, ['jobs', 'queue', '-o', 'json']);
    assert.equal(queue.code, 0, queue.stderr);
    const listed = (JSON.parse(queue.stdout) as ManagedJobView[]).find((j) => j.id === id);
    assert.deepEqual({ name: listed?.name, status: listed?.status, recoveryCount: listed?.recoveryCount }, { name: 'ok', status: 'SUCCEEDED', recoveryCount: 0 });
    assert.ok(listed && 'cluster' in listed);
    // The events feed (SSE; follow=0 ends once it has sent what exists) carries every state change.
    const feed = await fetch(`${bed.stack.apiUrl}/v1/events?since=0&follow=0&types=managed_job.`, { headers: { authorization: `Bearer ${E2E_TOKEN}` } });
    const types = [...(await feed.text()).matchAll(/^event: (.+)$/gm)].map((m) => m[1]);
    for (const type of ['managed_job.pending', 'managed_job.starting', 'managed_job.running', 'managed_job.succeeded']) {
      assert.ok(types.includes(type), `no ${type} event in ${types.join(', ')}`);
    }
  });

  it('its pod deleted mid-run, the job is recovered on a new cluster (recoveryCount 1) and ends SUCCEEDED', async () => {
    // The first attempt runs long, the next one finishes: the cluster name says which attempt runs.
    const id = await submit('name: recover\nresources:\n  cpus: 1\nrun: |\n  if echo "$SKYPILOT_CLUSTER_INFO" | grep -q -- "-1\\""; then sleep 300; fi\n  echo recovered\n');
    const running = await until(id, (j) => j.status === 'RUNNING', 'RUNNING');
    const first = running.cluster!;
    const pods = await podsOf(first);
    assert.ok(pods.length > 0, `no pod of ${first}`);
    await bed.deletePodsOf(first);
    await until(id, (j) => j.recoveryCount === 1, 'RECOVERING');
    const done = await until(id, (j) => j.status === 'SUCCEEDED', 'SUCCEEDED after its recovery', 80_000);
    assert.equal(done.recoveryCount, 1);
    assert.equal(done.cluster, `sky-jobs-${id}-2`);
    await noPodsLeft(done.cluster!);
    await noPodsLeft(first);
    // The log of the attempt that ran to the end (the logs service may still be storing its last lines).
    const t0 = Date.now();
    let logs = await skyport(bed.stack, ['jobs', 'logs', '--no-follow', String(id)]);
    while (!/recovered/.test(logs.stdout) && Date.now() - t0 < 20_000) {
      await sleep(1_000);
      logs = await skyport(bed.stack, ['jobs', 'logs', '--no-follow', String(id)]);
    }
    assert.match(logs.stdout, /recovered/, `${logs.stdout}\n${logs.stderr}`);
  });

  it('a job exiting 3 with max_restarts_on_errors: 2 runs three times, then FAILED', async () => {
    const id = await submit('name: flaky\nresources:\n  cpus: 1\n  job_recovery:\n    max_restarts_on_errors: 2\nrun: exit 3\n');
    const done = await until(id, (j) => j.status === 'FAILED', 'FAILED', 85_000);
    assert.equal(done.restartCount, 2);
    assert.equal(done.recoveryCount, 0);
    assert.equal(done.cluster, `sky-jobs-${id}-3`);
    assert.match(done.failureReason ?? '', /exited with 3 after 2 restart/);
    await noPodsLeft(done.cluster!);
  });

  it('the api killed while a job runs: the restarted api finishes it without launching it again', async () => {
    const id = await submit('name: survive\nresources:\n  cpus: 1\nrun: sleep 8\n');
    await until(id, (j) => j.status === 'RUNNING', 'RUNNING');
    await bed.stack.restart('api', 'kill');
    const done = await until(id, (j) => j.status === 'SUCCEEDED', 'SUCCEEDED after the api restarted');
    assert.deepEqual({ cluster: done.cluster, recoveryCount: done.recoveryCount, restartCount: done.restartCount }, { cluster: `sky-jobs-${id}-1`, recoveryCount: 0, restartCount: 0 });
    await noPodsLeft(done.cluster!);
  });

  it('kill -9 of all five services while a job is RECOVERING: it ends SUCCEEDED, each attempt launched once, nothing left', async () => {
    const id = await submit('name: crash\nresources:\n  cpus: 1\nrun: |\n  if echo "$SKYPILOT_CLUSTER_INFO" | grep -q -- "-1\\""; then sleep 300; fi\n  echo recovered\n');
    const first = (await until(id, (j) => j.status === 'RUNNING', 'RUNNING')).cluster!;
    await bed.deletePodsOf(first);
    await until(id, (j) => j.recoveryCount === 1, 'RECOVERING');
    await bed.crashAll();
    const done = await until(id, (j) => j.status === 'SUCCEEDED', 'SUCCEEDED after the crash', 240_000);
    assert.deepEqual({ cluster: done.cluster, recoveryCount: done.recoveryCount, restartCount: done.restartCount }, { cluster: `sky-jobs-${id}-2`, recoveryCount: 1, restartCount: 0 });
    // Nothing launched twice: one launch request per attempt's cluster, and no third attempt.
    const pg = new Client({ connectionString: bed.stack.env.SKYPORT_DATABASE_URL });
    await pg.connect();
    try {
      const { rows } = await pg.query<{ cluster_name: string; n: number }>(
        `SELECT cluster_name, count(*)::int AS n FROM requests WHERE kind = 'launch' AND cluster_name LIKE $1 GROUP BY cluster_name ORDER BY cluster_name`,
        [`sky-jobs-${id}-%`],
      );
      assert.deepEqual(rows, [{ cluster_name: `sky-jobs-${id}-1`, n: 1 }, { cluster_name: `sky-jobs-${id}-2`, n: 1 }]);
    } finally {
      await pg.end();
    }
    await noPodsLeft(first);
    await noPodsLeft(done.cluster!);
  });

  it('cancel after its cluster was lost (recovering or running again): CANCELLED, nothing left on either cluster', async () => {
    const id = await submit('name: lost-then-cancelled\nresources:\n  cpus: 1\nrun: sleep 300\n');
    const first = (await until(id, (j) => j.status === 'RUNNING', 'RUNNING')).cluster!;
    await bed.deletePodsOf(first);
    await until(id, (j) => j.recoveryCount === 1, 'RECOVERING');
    const cancel = await skyport(bed.stack, ['jobs', 'cancel', String(id)]);
    assert.equal(cancel.code, 0, cancel.stderr);
    const done = await until(id, (j) => j.status === 'CANCELLED', 'CANCELLED', 45_000);
    await noPodsLeft(first);
    await noPodsLeft(done.cluster!);
  });

  it('a task no context can hold ends FAILED_NO_RESOURCE, with the launch\'s reason', async () => {
    const id = await submit('name: huge\nresources:\n  cpus: 480\nrun: echo never\n');
    const done = await until(id, (j) => j.status === 'FAILED_NO_RESOURCE' || j.status === 'FAILED', 'ended', 45_000);
    assert.equal(done.status, 'FAILED_NO_RESOURCE', JSON.stringify(done));
    assert.match(done.failureReason ?? '', /the launch failed/);
    assert.deepEqual(await podsOf(done.cluster!), []);
  });

  it('cancel while RUNNING: CANCELLED and no pods left', async () => {
    const id = await submit('name: long\nresources:\n  cpus: 1\nrun: sleep 300\n');
    const running = await until(id, (j) => j.status === 'RUNNING', 'RUNNING');
    const cancel = await skyport(bed.stack, ['jobs', 'cancel', String(id)]);
    assert.equal(cancel.code, 0, cancel.stderr);
    await until(id, (j) => j.status === 'CANCELLED', 'CANCELLED', 45_000);
    await noPodsLeft(running.cluster!);
  });
});
