import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_PIPELINE_TASKS, pipelineNames, pipelineOf, pipelineTaskIds } from './managed-job-pipeline';

describe('managed job pipelines', () => {
  it('a multi-document task is split into its tasks; a first document holding only name (and execution: serial) names the pipeline', () => {
    const p = pipelineOf({ task: 'name: pipe\n---\nname: a\nrun: echo a\n---\n---\nrun: echo b\n', envs: { K: 'v' } });
    assert.equal(p.name, 'pipe');
    assert.equal(p.tasks.length, 2, 'the empty document is skipped, as SkyPilot skips it');
    assert.match(p.tasks[0] as string, /name: a/);
    assert.match(p.tasks[1] as string, /echo b/);
    assert.deepEqual(p.common, { envs: { K: 'v' } });
    assert.equal(pipelineOf({ task: 'name: pipe\nexecution: serial\n---\nrun: a\n---\nrun: b\n' }).name, 'pipe');
    assert.equal(pipelineOf({ task: 'run: a\n---\nrun: b\n' }).name, null, 'no header: every document is a task');
  });

  it('one task stays as it is (text or object); "tasks" lists them with "name"', () => {
    assert.deepEqual(pipelineOf({ task: 'run: echo hi\n' }).tasks, ['run: echo hi\n']);
    assert.deepEqual(pipelineOf({ task: { run: 'x' } }).tasks, [{ run: 'x' }]);
    const listed = pipelineOf({ tasks: ['run: a\n', { run: 'b' }], name: 'two', noBurst: true });
    assert.deepEqual({ name: listed.name, tasks: listed.tasks, common: listed.common }, { name: 'two', tasks: ['run: a\n', { run: 'b' }], common: { noBurst: true } });
  });

  it('a job group: from the file (its header with execution: parallel) or from tasks with their header', () => {
    const fromFile = pipelineOf({ task: 'name: g\nexecution: parallel\nprimary_tasks: [a]\n---\nname: a\nrun: a\n---\nname: b\nrun: b\n' });
    assert.equal(fromFile.name, 'g');
    assert.equal(fromFile.tasks.length, 2);
    assert.deepEqual(fromFile.group, { name: 'g', primaryTasks: ['a'], terminationDelay: { default: 0, tasks: {} }, interConnection: null });
    const listed = pipelineOf({ tasks: ['name: a\nrun: a\n', 'name: b\nrun: b\n'], header: { name: 'g', execution: 'parallel', termination_delay: '1m' } });
    assert.equal(listed.group?.terminationDelay.default, 60);
    assert.equal(pipelineOf({ tasks: ['run: a\n', 'run: b\n'], header: { name: 'p' } }).group, null);
    assert.equal(pipelineOf({ tasks: ['run: a\n', 'run: b\n'], header: { name: 'p' } }).name, 'p');
    assert.throws(() => pipelineOf({ tasks: ['run: a\n'], header: { name: 'bad name', execution: 'parallel' } }), /job group name 'bad name' is not valid/);
    assert.throws(() => pipelineOf({ task: 'run: a\n', header: { name: 'g' } }), /"header" goes with "tasks"/);
  });

  it('refuses both task and tasks, an empty or oversized list, and resource overrides on a pipeline', () => {
    assert.throws(() => pipelineOf({ task: 'name: g\nexecution: sideways\n---\nrun: a\n---\nrun: b\n' }), /execution 'sideways' is not valid/);
    assert.throws(() => pipelineOf({ task: 'run: a\n', tasks: ['run: b\n'] }), /either "task" or "tasks"/);
    assert.throws(() => pipelineOf({ tasks: [] }), /non-empty list/);
    assert.throws(() => pipelineOf({ tasks: [42] }), /^SkyportError: "tasks.0" must be the task as YAML text or as an object, not 42$/);
    assert.throws(() => pipelineOf({ tasks: Array.from({ length: MAX_PIPELINE_TASKS + 1 }, () => 'run: a\n') }), /at most 32 tasks/);
    assert.throws(() => pipelineOf({ tasks: ['run: a\n', 'run: b\n'], overrides: { gpus: 'A100:1' } }), /apply to one task/);
  });

  it("-n on a pipeline names the pipeline, not each of its tasks; on one task it stays the task's override", () => {
    const p = pipelineOf({ tasks: ['run: a\n', 'run: b\n'], overrides: { name: 'renamed' } });
    assert.equal(p.name, 'renamed');
    assert.equal(p.common.overrides, undefined);
    assert.deepEqual(pipelineOf({ task: 'run: a\n', overrides: { name: 'one' } }).common.overrides, { name: 'one' });
  });

  it("names as SkyPilot fills them: one task shares the pipeline's name; unnamed tasks of a pipeline are <pipeline>-<index>", () => {
    assert.deepEqual(pipelineNames(null, ['train']), { name: 'train', tasks: ['train'] });
    assert.deepEqual(pipelineNames('job', ['train']), { name: 'job', tasks: ['job'] });
    assert.deepEqual(pipelineNames(null, [undefined]), { name: null, tasks: [null] });
    assert.deepEqual(pipelineNames('pipe', ['prep', undefined]), { name: 'pipe', tasks: ['prep', 'pipe-1'] });
    assert.deepEqual(pipelineNames(null, [undefined, 'b']), { name: 'pipeline', tasks: ['pipeline-0', 'b'] });
  });

  it("SKYPILOT_TASK_ID as SkyPilot's controller writes it: sky-managed-<run timestamp>_<name>_<job id>-<task index>", () => {
    const at = new Date('2026-03-04T05:06:07.089Z');
    assert.deepEqual(pipelineTaskIds(17, at, 'train', ['train']), ['sky-managed-2026-03-04-05-06-07-089000_train_17-0']);
    assert.deepEqual(pipelineTaskIds(17, at, 'pipe', ['prep', 'eval']), ['sky-managed-2026-03-04-05-06-07-089000_pipe_prep_17-0', 'sky-managed-2026-03-04-05-06-07-089000_pipe_eval_17-1']);
  });
});
