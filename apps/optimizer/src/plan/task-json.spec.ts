import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planTaskFromJson } from './task-json';

test('a normalised task is read as it is', () => {
  const task = planTaskFromJson(JSON.stringify({ numNodes: 2, resourcesOrder: 'ordered', resources: [{ useSpot: true, accelerator: { name: 'A100', count: 8 } }], envs: {} }));
  assert.equal(task.numNodes, 2);
  assert.equal(task.resourcesOrder, 'ordered');
  assert.deepEqual(task.resources[0].accelerator, { name: 'A100', count: 8 });
});

test('anything else is an INVALID_TASK with a plain message', () => {
  assert.throws(() => planTaskFromJson('{'), /task_json is not valid JSON/);
  assert.throws(() => planTaskFromJson('{"resources": []}'), /resources must be a non-empty list/);
  assert.throws(() => planTaskFromJson('{"resources": [{}], "numNodes": 0}'), /numNodes must be a whole number/);
  assert.throws(() => planTaskFromJson('{"resources": [{"accelerator": {"name": "A100"}}]}'), /accelerator must have a name and a count/);
});
