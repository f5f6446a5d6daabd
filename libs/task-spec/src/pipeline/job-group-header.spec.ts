import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkTaskYaml } from '../parse-task';
import { PERMISSIVE_ACCELERATOR_NAMES } from '../accelerators/accelerator-names';
import { durationSeconds } from './job-group-header';
import { pipelineDocuments } from './pipeline-documents';

const group = (header: string, ...tasks: string[]) => ['---', header, ...tasks.flatMap((t) => ['---', t])].join('\n') + '\n';
const check = (text: string) => checkTaskYaml(text, { acceleratorNames: PERMISSIVE_ACCELERATOR_NAMES });
function messages(text: string): string[] {
  const result = check(text);
  assert.equal(result.ok, false, 'expected the job group to be refused');
  return result.ok ? [] : result.problems.map((p) => `${p.path}: ${p.message}`);
}

describe('job group header (execution: parallel), as SkyPilot 0.14.1 loads it', () => {
  it('a header with primary_tasks, termination_delay per task and inter_connection', () => {
    const result = check(
      group('name: rl\nexecution: parallel\nprimary_tasks: [trainer]\ntermination_delay: {default: 30s, buffer: 2m}\ninter_connection: true', 'name: trainer\nrun: x', 'name: buffer\nrun: y'),
    );
    assert.ok(result.ok);
    assert.deepEqual(result.file.jobGroup, { name: 'rl', primaryTasks: ['trainer'], terminationDelay: { default: 30, tasks: { buffer: 120 } }, interConnection: true });
    assert.equal(result.file.pipelineName, 'rl');
    assert.deepEqual(result.file.tasks.map((t) => t.name), ['trainer', 'buffer']);
  });
  it('termination_delay as one duration; no primary_tasks means every task is primary', () => {
    const result = check(group('name: g\nexecution: parallel\ntermination_delay: 5s', 'name: a\nrun: x', 'name: b\nrun: y'));
    assert.ok(result.ok);
    assert.deepEqual(result.file.jobGroup?.terminationDelay, { default: 5, tasks: {} });
    assert.deepEqual(result.file.jobGroup?.primaryTasks, []);
  });
  it('a header with only one task after it is a group of one', () => {
    assert.ok(check(group('name: g\nexecution: parallel', 'name: a\nrun: x')).ok);
  });
  it('every task needs a name', () => {
    assert.match(messages(group('name: g\nexecution: parallel', 'name: a\nrun: x', 'run: y')).join('\n'), /every task of a job group needs a 'name' \(task 2 has none\)/);
  });
  it('task names are unique', () => {
    assert.match(messages(group('name: g\nexecution: parallel', 'name: a\nrun: x', 'name: a\nrun: y')).join('\n'), /task name 'a' appears twice in job group 'g'/);
  });
  it('task and group names are letters, digits, - and _ only', () => {
    assert.match(messages(group('name: g\nexecution: parallel', 'name: a.b\nrun: x')).join('\n'), /task name 'a.b' is not valid in a job group/);
    assert.match(messages(group('name: my group\nexecution: parallel', 'name: a\nrun: x')).join('\n'), /^name: job group name 'my group' is not valid/m);
  });
  it('the header needs a name', () => {
    assert.match(messages(group('execution: parallel', 'name: a\nrun: x')).join('\n'), /needs a 'name'/);
  });
  it('primary_tasks: a list naming tasks of the group', () => {
    assert.match(messages(group('name: g\nexecution: parallel\nprimary_tasks: [c]', 'name: a\nrun: x')).join('\n'), /^primary_tasks: primary_tasks names 'c', which is not a task of this job group \(its tasks: a\)/m);
    assert.match(messages(group('name: g\nexecution: parallel\nprimary_tasks: a', 'name: a\nrun: x')).join('\n'), /^primary_tasks: expected a list of task names/m);
  });
  it('termination_delay: durations, keys naming tasks or default', () => {
    assert.match(messages(group('name: g\nexecution: parallel\ntermination_delay: soon', 'name: a\nrun: x')).join('\n'), /'soon' is not a duration/);
    assert.match(messages(group('name: g\nexecution: parallel\ntermination_delay: {z: 1m}', 'name: a\nrun: x')).join('\n'), /termination_delay names 'z'/);
  });
  it('inter_connection is a boolean', () => {
    assert.match(messages(group('name: g\nexecution: parallel\ninter_connection: maybe', 'name: a\nrun: x')).join('\n'), /^inter_connection: expected true or false/m);
  });
  it('each task is still checked as a task', () => {
    assert.match(messages(group('name: g\nexecution: parallel', 'name: a\nresources:\n  cpus: lots\nrun: x')).join('\n'), /cpus/);
  });
});

describe('durationSeconds', () => {
  it('reads SkyPilot time patterns', () => {
    assert.equal(durationSeconds('30'), 30);
    assert.equal(durationSeconds(30), 30);
    assert.equal(durationSeconds('5m'), 300);
    assert.equal(durationSeconds('1H'), 3600);
    assert.equal(durationSeconds('2w'), 1_209_600);
    for (const bad of ['-1', '1.5s', '5 m', '', true, 1.5]) assert.equal(durationSeconds(bad), undefined, String(bad));
  });
});

describe('pipelineDocuments of a job group', () => {
  it('takes a first document with execution: parallel as the header, with all its keys', () => {
    const docs = pipelineDocuments(group('name: g\nexecution: parallel\nprimary_tasks: [a]', 'name: a\nrun: x', 'name: b\nrun: y'));
    assert.equal(docs.execution, 'parallel');
    assert.equal(docs.name, 'g');
    assert.deepEqual(docs.header, { name: 'g', execution: 'parallel', primary_tasks: ['a'] });
    assert.equal(docs.tasks.length, 2);
  });
});
