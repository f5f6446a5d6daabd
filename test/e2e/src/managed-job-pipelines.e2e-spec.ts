import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { skyport } from './e2e-stack';
import { sleep, startManagedJobsBed, type ManagedJobsBed } from './managed-jobs-harness';


/**
 * Managed job pipelines on the whole control plane and the local KWOK cluster: a multi-document task file runs as
 * one managed job, each task on a cluster of its own, the next once the previous SUCCEEDED; a failed task ends the
 * job (the later ones CANCELLED); cancel stops the running task; every task sees its own SKYPILOT_TASK_ID and the
 * list of them (SKYPILOT_TASK_IDS).
 */
describe('managed job pipelines (skyport jobs launch of a multi-document file)', () => {
  let bed: ManagedJobsBed;
  let dir: string;

  before(async () => {
    bed = await startManagedJobsBed('e2e_mj_pipelines');
    dir = mkdtempSync(join(tmpdir(), 'skyport-mj-pipelines-'));
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

  /** The job's log as `jobs logs` prints it, once it holds `what` (the logs service may still be storing the last lines). */
  async function logsHolding(id: number, what: RegExp): Promise<string> {
    const t0 = Date.now();
    for (;;) {
      const logs = await skyport(bed.stack, ['jobs', 'logs', '--no-follow', String(id)]);
      if (what.test(logs.stdout) || Date.now() - t0 > 30_000) return `${logs.stdout}\n${logs.stderr}`;
      await sleep(1_000);
    }
  }

  it('two tasks run in order, each on its own cluster, with their task ids; queue shows a row per task; --controller shows both clusters', async () => {
    const path = file(
      'pipeline.yaml',
      [
        'name: pipe',
        '---',
        'name: prep',
        'resources:\n  cpus: 1',
        'run: echo "prep id=$SKYPILOT_TASK_ID"',
        '---',
        'name: train',
        'resources:\n  cpus: 1',
        'run: |\n  echo "train id=$SKYPILOT_TASK_ID"\n  echo "$SKYPILOT_TASK_IDS" | sed "s/^/ids=/"\n  echo "shared=$SHARED"',
        '',
      ].join('\n'),
    );
    const { id, stdout } = await bed.launchFile(path, { args: ['--env', 'SHARED=both'] });
    assert.match(stdout, new RegExp(`Managed job ${id} 'pipe' submitted: a pipeline of 2 tasks`));

    const second = await bed.until(id, (j) => j.currentTask === 1, 'moved to its second task', 90_000);
    assert.equal(second.tasks[0].status, 'SUCCEEDED', 'the second task starts only once the first SUCCEEDED');
    const done = await bed.ended(id, 90_000);
    assert.equal(done.status, 'SUCCEEDED', JSON.stringify(done));
    assert.deepEqual(
      done.tasks.map((t) => [t.name, t.status, t.cluster]),
      [
        ['prep', 'SUCCEEDED', `sky-jobs-${id}-1`],
        ['train', 'SUCCEEDED', `sky-jobs-${id}-2`],
      ],
    );
    assert.ok(Date.parse(done.tasks[1].startedAt!) >= Date.parse(done.tasks[0].endedAt!), `in order: ${JSON.stringify(done.tasks)}`);
    await bed.noPodsLeft(`sky-jobs-${id}-1`);
    await bed.noPodsLeft(`sky-jobs-${id}-2`);

    // The last task's log: its own id, every task's id (newline-joined, in order) and the --env every task got.
    const [first, last] = done.tasks.map((t) => t.taskId);
    assert.match(first, new RegExp(`^sky-managed-\\d{4}(-\\d{2}){5}-\\d{6}_pipe_prep_${id}-0$`));
    const logs = await logsHolding(id, /shared=both/);
    assert.match(logs, new RegExp(`train id=${last}\\n`));
    assert.match(logs, new RegExp(`ids=${first}\\nids=${last}\\n`));
    assert.match(logs, /shared=both/);

    const queue = await skyport(bed.stack, ['jobs', 'queue']);
    assert.equal(queue.code, 0, queue.stderr);
    assert.match(queue.stdout, /ID\s+TASK\s+NAME/);
    assert.match(queue.stdout, new RegExp(`^\\s*${id}\\s+pipe\\s+.*SUCCEEDED\\s+0\\s+0\\s+sky-jobs-${id}-2\\s+\\$0\\.00`, 'm'));
    assert.match(queue.stdout, /^\s*↳\s+0\s+prep\s+.*SUCCEEDED\s+0\s+0\s+sky-jobs-\d+-1/m);
    assert.match(queue.stdout, /^\s*↳\s+1\s+train\s+.*SUCCEEDED\s+0\s+0\s+sky-jobs-\d+-2/m);

    const controller = await skyport(bed.stack, ['jobs', 'logs', '--controller', String(id)]);
    assert.equal(controller.code, 0, controller.stderr);
    assert.match(controller.stdout, /managed_job\.pending managed job \d+ 'pipe' \(a pipeline of 2 tasks\) submitted/);
    assert.match(controller.stdout, new RegExp(`managed_job\\.starting \\[sky-jobs-${id}-2\\] managed job ${id}: task 0 SUCCEEDED on 'sky-jobs-${id}-1'; launching task 1 'train'`));
    assert.match(controller.stdout, new RegExp(`cluster\\.\\w+ \\[sky-jobs-${id}-1\\]`), "the first cluster's own events");
    assert.match(controller.stdout, new RegExp(`managed_job\\.succeeded \\[sky-jobs-${id}-2\\]`));
  });

  it('a failing first task ends the job FAILED; the second never runs and shows CANCELLED', async () => {
    const id = await bed.submit({ name: 'fails', tasks: ['name: boom\nresources:\n  cpus: 1\nrun: exit 7\n', 'name: after\nresources:\n  cpus: 1\nrun: echo never\n'] });
    const done = await bed.ended(id, 90_000);
    assert.equal(done.status, 'FAILED', JSON.stringify(done));
    assert.match(done.failureReason ?? '', /exited with 7/);
    assert.deepEqual(
      done.tasks.map((t) => [t.name, t.status, t.cluster]),
      [
        ['boom', 'FAILED', `sky-jobs-${id}-1`],
        ['after', 'CANCELLED', null],
      ],
    );
    assert.equal(await bed.clusterStatus(`sky-jobs-${id}-2`), undefined, 'no cluster was launched for the second task');
    await bed.noPodsLeft(`sky-jobs-${id}-1`);
  });

  it('cancel while the second of three tasks runs: it is stopped, the first stays SUCCEEDED, the rest CANCELLED, no pods left', async () => {
    const id = await bed.submit({
      name: 'stopme',
      tasks: ['resources:\n  cpus: 1\nrun: echo first\n', 'resources:\n  cpus: 1\nrun: sleep 300\n', 'resources:\n  cpus: 1\nrun: echo third\n'],
    });
    const running = await bed.until(id, (j) => j.currentTask === 1 && j.status === 'RUNNING', 'RUNNING its second task', 90_000);
    assert.equal(running.cluster, `sky-jobs-${id}-2`);
    const cancel = await skyport(bed.stack, ['jobs', 'cancel', String(id)]);
    assert.equal(cancel.code, 0, cancel.stderr);
    const done = await bed.until(id, (j) => j.status === 'CANCELLED', 'CANCELLED', 60_000);
    assert.deepEqual(
      done.tasks.map((t) => [t.name, t.status]),
      [
        ['stopme-0', 'SUCCEEDED'],
        ['stopme-1', 'CANCELLED'],
        ['stopme-2', 'CANCELLED'],
      ],
    );
    await bed.noPodsLeft(`sky-jobs-${id}-1`);
    await bed.noPodsLeft(`sky-jobs-${id}-2`);
    assert.equal(await bed.clusterStatus(`sky-jobs-${id}-3`), undefined, 'the third task never launched');
  });

  it('skyport launch of a pipeline file refuses (exit 2) and points at jobs launch', async () => {
    const path = file('plain.yaml', 'run: echo a\n---\nrun: echo b\n');
    const res = await skyport(bed.stack, ['launch', '-y', '-c', 'not-a-pipeline', path]);
    assert.equal(res.code, 2, res.stdout + res.stderr);
    assert.match(res.stderr, /is a pipeline of 2 tasks; a cluster runs one task — run the pipeline as a managed job .*: skyport jobs launch /);
  });
});
