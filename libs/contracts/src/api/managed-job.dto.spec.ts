import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManagedJobBodySchema, ManagedJobsCancelBodySchema } from './managed-job.dto';
import { readRestBody } from './rest-body';
import { refusal } from './rest-body.testing';

describe('managed job bodies', () => {
  it('cancel: ids, or all: true (which wins)', () => {
    assert.deepEqual(readRestBody(ManagedJobsCancelBodySchema, { ids: [3, 4] }), { ids: [3, 4] });
    assert.deepEqual(readRestBody(ManagedJobsCancelBodySchema, { all: true, ids: ['x'] }), { all: true });
    assert.deepEqual(readRestBody(ManagedJobsCancelBodySchema, { all: false, ids: [1] }), { ids: [1] });
    assert.equal(refusal(ManagedJobsCancelBodySchema, { ids: ['x'] }), 'the body must be {"ids": [<managed job id>, ...]} or {"all": true}, not {"ids":["x"]}');
    assert.equal(refusal(ManagedJobsCancelBodySchema, null), 'the body must be {"ids": [<managed job id>, ...]} or {"all": true}, not null');
  });

  it('submit: a launch body without dryrun and autostop, with a pipeline\'s tasks, name and header', () => {
    assert.deepEqual(readRestBody(ManagedJobBodySchema, { tasks: ['run: a\n', { run: 'b' }], name: 'p', header: { name: 'p' }, noBurst: true }), {
      tasks: ['run: a\n', { run: 'b' }],
      name: 'p',
      header: { name: 'p' },
      noBurst: true,
    });
    assert.equal(refusal(ManagedJobBodySchema, { tasks: [] }), '"tasks" must be a non-empty list of tasks (YAML text or objects), run in order');
    assert.equal(refusal(ManagedJobBodySchema, { tasks: ['run: a\n', 7] }), '"tasks.1" must be the task as YAML text or as an object, not 7');
    assert.equal(refusal(ManagedJobBodySchema, { task: 'run: a\n', name: ' ' }), `"name" must be a non-empty string (the pipeline's name), not " "`);
    assert.equal(refusal(ManagedJobBodySchema, { tasks: ['run: a\n'], header: 'name: p' }), '"header" must be the header document as an object (name, execution, ...), not "name: p"');
    assert.equal(refusal(ManagedJobBodySchema, { task: 'run: a\n', dryrun: true }), 'unknown field(s) in the request body: dryrun');
  });
});
