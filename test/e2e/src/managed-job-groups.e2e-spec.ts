import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { skyport } from './e2e-stack';
import { sleep, startManagedJobsBed, type ManagedJobsBed } from './managed-jobs-harness';

/**
 * Job groups (SkyPilot's `execution: parallel` header) on the whole control plane and the local KWOK cluster: every
 * task starts at once on its own cluster (`sky-jobs-<id>-<n>`); the group SUCCEEDED when every task did; when its
 * primary task fails the auxiliary ones are cancelled and the group is FAILED; cancel stops every task; plain
 * `launch` of a group refuses and points at `jobs launch`. As SkyPilot's controller, auxiliary tasks (not in
 * `primary_tasks`) are cancelled once the primaries ended: after their `termination_delay` if all succeeded. A task
 * that ended keeps its cluster until the group ends; a task whose first launch finds no resources ends the group.
 */
describe('managed job groups (skyport jobs launch of a file with execution: parallel)', () => {
  let bed: ManagedJobsBed;
  let dir: string;

  before(async () => {
    bed = await startManagedJobsBed('e2e_mj_groups');
    dir = mkdtempSync(join(tmpdir(), 'skyport-mj-groups-'));
  });
  after(async () => {
    await bed?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  function file(name: string, yaml: string): string {
    const path = join(dir, name);
    writeFileSync(path, yaml);
    return path;
  }

  /** A task's log as `jobs logs ID TASK` prints it, once it holds `what` (the logs service may still be storing it). */
  async function taskLogsHolding(id: number, task: string, what: RegExp): Promise<string> {
    const t0 = Date.now();
    for (;;) {
      const logs = await skyport(bed.stack, ['jobs', 'logs', '--no-follow', String(id), task]);
      if (what.test(logs.stdout) || Date.now() - t0 > 30_000) return `${logs.stdout}\n${logs.stderr}`;
      await sleep(1_000);
    }
  }

  it('two tasks start at once, each on its own cluster; one that ended keeps its cluster until the group SUCCEEDED', async () => {
    // The server outlives the client by far (30 s): the client starts before the server ended only if both were
    // launched together (a pipeline would start it after), and the client's cluster is seen standing meanwhile.
    const path = file(
      'group.yaml',
      [
        '---',
        'name: pair',
        'execution: parallel',
        '---',
        'name: server',
        'resources:\n  cpus: 1',
        'run: |\n  echo "server group=$SKYPILOT_JOBGROUP_NAME"\n  sleep 30\n  echo server done',
        '---',
        'name: client',
        'resources:\n  cpus: 1',
        'run: echo "client group=$SKYPILOT_JOBGROUP_NAME id=$SKYPILOT_TASK_ID"',
        '',
      ].join('\n'),
    );
    const { id, stdout } = await bed.launchFile(path);
    assert.match(stdout, new RegExp(`Managed job ${id} 'pair' submitted: a job group of 2 tasks, run at once`));

    // SkyPilot keeps a job group's clusters until the whole group ends: the client's is still UP, its pod there.
    const clientDone = await bed.until(id, (j) => j.tasks[1].status === 'SUCCEEDED', 'saw its client task SUCCEEDED', 120_000);
    assert.equal(clientDone.tasks[0].status, 'RUNNING', `the server still runs: ${JSON.stringify(clientDone.tasks)}`);
    assert.equal(await bed.clusterStatus(`sky-jobs-${id}-2`), 'UP');
    assert.equal((await bed.podsOf(`sky-jobs-${id}-2`)).length, 1, "the ended client's pod is kept while the group runs");
    // SkyPilot's in-group names: <task>-<node>.<group>, served by one headless Service named after the group.
    assert.deepEqual(await bed.podHostsOf(`sky-jobs-${id}-1`), ['server-0.pair']);
    assert.deepEqual(await bed.podHostsOf(`sky-jobs-${id}-2`), ['client-0.pair']);
    const svc = await bed.groupService('pair');
    assert.deepEqual([svc?.spec?.clusterIP, svc?.spec?.selector], ['None', { 'skyport.dev/job-group': String(id) }]);
    // One group of a name at a time where it runs (DNS ignores case: PAIR is pair).
    const twin = await skyport(bed.stack, ['jobs', 'launch', '-y', file('twin.yaml', '---\nname: PAIR\nexecution: parallel\n---\nname: a\nrun: echo a\n')]);
    assert.notEqual(twin.code, 0, twin.stdout + twin.stderr);
    assert.match(twin.stderr, new RegExp(`a job group named 'PAIR' is already running \\(managed job ${id}\\)`));

    const done = await bed.ended(id, 150_000);
    assert.equal(done.status, 'SUCCEEDED', JSON.stringify(done));
    assert.equal(done.execution, 'parallel');
    assert.deepEqual(
      done.tasks.map((t) => [t.name, t.status, t.cluster]),
      [
        ['server', 'SUCCEEDED', `sky-jobs-${id}-1`],
        ['client', 'SUCCEEDED', `sky-jobs-${id}-2`],
      ],
    );
    const [server, client] = done.tasks;
    assert.ok(Date.parse(client.startedAt ?? '') < Date.parse(server.endedAt ?? ''), `at once, not in order: ${JSON.stringify(done.tasks)}`);
    await bed.noPodsLeft(`sky-jobs-${id}-1`);
    await bed.noPodsLeft(`sky-jobs-${id}-2`);
    // The group's Service goes with its last pods (deleted by the teardown that removed them).
    for (const t0 = Date.now(); await bed.groupService('pair'); await sleep(300)) assert.ok(Date.now() - t0 < 30_000, "the group's Service outlived the group");

    // Each task's own log, by name: SKYPILOT_JOBGROUP_NAME is the group's name (SkyPilot's variable).
    assert.match(await taskLogsHolding(id, 'client', /client group=/), new RegExp(`client group=pair id=${client.taskId}\\n`));
    assert.match(await taskLogsHolding(id, 'server', /server done/), /server group=pair\n[\s\S]*server done/);
    const noTask = await skyport(bed.stack, ['jobs', 'logs', '--no-follow', String(id)]);
    assert.equal(noTask.code, 2, noTask.stdout + noTask.stderr);
    assert.match(noTask.stderr, /is a job group: name the task .*its tasks: server, client/);

    const queue = await skyport(bed.stack, ['jobs', 'queue']);
    assert.equal(queue.code, 0, queue.stderr);
    assert.match(queue.stdout, /^\s*↳\s+0\s+server\s+.*SUCCEEDED\s+0\s+0\s+sky-jobs-\d+-1/m);
    assert.match(queue.stdout, /^\s*↳\s+1\s+client\s+.*SUCCEEDED\s+0\s+0\s+sky-jobs-\d+-2/m);
  });

  it('the primary task fails: the auxiliary one is cancelled at once and the group is FAILED, no pods left', async () => {
    const path = file(
      'fails.yaml',
      [
        '---',
        'name: boom',
        'execution: parallel',
        'primary_tasks: [worker]',
        'termination_delay: 10m',
        '---',
        'name: worker',
        'resources:\n  cpus: 1',
        'run: |\n  sleep 5\n  exit 7',
        '---',
        'name: helper',
        'resources:\n  cpus: 1',
        'run: sleep 600',
        '',
      ].join('\n'),
    );
    const { done, id } = await bed.launchFile(path, { waitEnded: 150_000 });
    assert.equal(done.status, 'FAILED', JSON.stringify(done));
    assert.match(done.failureReason ?? '', /task 'worker' FAILED: the job exited with 7/);
    // termination_delay applies only when every primary task succeeded: the helper goes at once.
    assert.deepEqual(
      done.tasks.map((t) => [t.name, t.status]),
      [
        ['worker', 'FAILED'],
        ['helper', 'CANCELLED'],
      ],
    );
    await bed.noPodsLeft(`sky-jobs-${id}-1`);
    await bed.noPodsLeft(`sky-jobs-${id}-2`);
  });

  it('every primary task succeeded: the auxiliary one runs on for its termination_delay, then is cancelled; SUCCEEDED', async () => {
    const path = file(
      'delay.yaml',
      [
        '---',
        'name: delayed',
        'execution: parallel',
        'primary_tasks: [main]',
        'termination_delay: {default: 0s, side: 8s}',
        '---',
        'name: main',
        'resources:\n  cpus: 1',
        'run: echo main done',
        '---',
        'name: side',
        'resources:\n  cpus: 1',
        'run: sleep 600',
        '',
      ].join('\n'),
    );
    const { id, done } = await bed.launchFile(path, { waitEnded: 150_000 });
    assert.equal(done.status, 'SUCCEEDED', JSON.stringify(done));
    assert.equal(done.failureReason, null);
    const [main, side] = done.tasks;
    assert.deepEqual([main.status, side.status], ['SUCCEEDED', 'CANCELLED']);
    const kept = Date.parse(side.endedAt ?? '') - Date.parse(main.endedAt ?? '');
    assert.ok(kept >= 8_000, `the auxiliary ran on for its termination_delay (8 s) after the primary ended: ${kept} ms`);
    await bed.noPodsLeft(`sky-jobs-${id}-1`);
    await bed.noPodsLeft(`sky-jobs-${id}-2`);
  });

  it("a task whose first launch finds no resources ends the group at once: FAILED_NO_RESOURCE, the others cancelled, no pods left", async () => {
    // SkyPilot's _run_job_group launches every task first; one launch failing tears the group's clusters down.
    const path = file(
      'no-room.yaml',
      ['---', 'name: noroom', 'execution: parallel', '---', 'name: small', 'resources:\n  cpus: 1', 'run: sleep 600', '---', 'name: huge', 'resources:\n  cpus: 480', 'run: echo never', ''].join('\n'),
    );
    const { id, done } = await bed.launchFile(path, { waitEnded: 150_000 });
    assert.equal(done.status, 'FAILED_NO_RESOURCE', JSON.stringify(done));
    assert.match(done.failureReason ?? '', /task 'huge' FAILED_NO_RESOURCE: .*the launch failed/);
    assert.deepEqual(
      done.tasks.map((t) => [t.name, t.status]),
      [
        ['small', 'CANCELLED'],
        ['huge', 'FAILED_NO_RESOURCE'],
      ],
    );
    await bed.noPodsLeft(`sky-jobs-${id}-1`);
    await bed.noPodsLeft(`sky-jobs-${id}-2`);
  });

  it('cancel stops every task of a running group: CANCELLED, each task CANCELLED, no pods left', async () => {
    // As the CLI sends a group: the tasks and the file's header.
    const { id } = await bed.api<{ id: number }>('POST', '/v1/jobs', {
      name: 'stopme',
      tasks: ['name: a\nresources:\n  cpus: 1\nrun: sleep 300\n', 'name: b\nresources:\n  cpus: 1\nrun: sleep 300\n'],
      header: { name: 'stopme', execution: 'parallel' },
    });
    await bed.until(id, (j) => j.tasks.every((t) => t.status === 'RUNNING'), 'RUNNING both tasks', 120_000);
    const cancel = await skyport(bed.stack, ['jobs', 'cancel', String(id)]);
    assert.equal(cancel.code, 0, cancel.stderr);
    const done = await bed.until(id, (j) => j.status === 'CANCELLED', 'CANCELLED', 90_000);
    assert.deepEqual(
      done.tasks.map((t) => [t.name, t.status]),
      [
        ['a', 'CANCELLED'],
        ['b', 'CANCELLED'],
      ],
    );
    await bed.noPodsLeft(`sky-jobs-${id}-1`);
    await bed.noPodsLeft(`sky-jobs-${id}-2`);
  });

  it('jobs launch refuses names that cannot be DNS names (validate does not), naming the field and the value', async () => {
    const path = file('bad-names.yaml', '---\nname: my_group\nexecution: parallel\n---\nname: data_loader\nrun: echo a\n---\nname: b\nrun: echo b\n');
    assert.equal((await skyport(bed.stack, ['validate', path])).code, 0);
    const res = await skyport(bed.stack, ['jobs', 'launch', '-y', path]);
    assert.notEqual(res.code, 0, res.stdout + res.stderr);
    assert.match(res.stderr, /header\.name: the job group's name 'my_group' must be a DNS label/);
    assert.match(res.stderr, /tasks\[0\]\.name: task name 'data_loader' must make DNS labels/);
  });

  it('skyport launch of a job group refuses (exit 2) and points at jobs launch', async () => {
    const path = file('plain-group.yaml', '---\nname: g\nexecution: parallel\n---\nname: a\nrun: echo a\n---\nname: b\nrun: echo b\n');
    const res = await skyport(bed.stack, ['launch', '-y', '-c', 'not-a-group', path]);
    assert.equal(res.code, 2, res.stdout + res.stderr);
    assert.match(res.stderr, /is a job group \('g', execution: parallel\) of 2 task\(s\); a cluster runs one task — run the group as a managed job .*: skyport jobs launch /);
    assert.equal(await bed.clusterStatus('not-a-group'), undefined);
  });
});
