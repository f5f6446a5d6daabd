import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ErrorCode, LAUNCH_BODY_FIELDS, SkyportError } from '@skyport/contracts';
import { readLaunchBody, resolveTask } from './launch-body';

function rejects(fn: () => unknown, code: ErrorCode, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => e instanceof SkyportError && e.code === code && pattern.test(e.userMessage), String(pattern));
}

describe('launch body: the CLI habits that reach the server', () => {
  it('retryUntilUp is a boolean field of the body', () => {
    assert.equal(readLaunchBody({ task: 'run: x', retryUntilUp: true }).retryUntilUp, true);
    rejects(() => readLaunchBody({ task: 'run: x', retryUntilUp: 'yes' }), ErrorCode.InvalidRequest, /"retryUntilUp" must be true or false/);
  });

  it('name, ports, instanceType and noSetup overrides are applied and checked', () => {
    const body = readLaunchBody({ task: 'setup: echo s\nrun: echo r\n', overrides: { name: 'my-run', ports: ['8080', '9000-9001'], instanceType: '2CPU--4GB', noSetup: true } });
    const { task } = resolveTask(body);
    assert.equal(task.name, 'my-run');
    assert.equal(task.setup, undefined);
    assert.deepEqual(task.resources[0].ports, [{ from: 8080, to: 8080 }, { from: 9000, to: 9001 }]);
    assert.equal(task.resources[0].instanceType, '2CPU--4GB');
    rejects(() => resolveTask(readLaunchBody({ task: 'run: x', overrides: { name: 'no spaces' } })), ErrorCode.InvalidTask, /^--name: task name 'no spaces' is not valid/);
    rejects(() => resolveTask(readLaunchBody({ task: 'run: x', overrides: { ports: [70000] } })), ErrorCode.InvalidTask, /^--ports: port 70000 is out of range/);
  });
});

describe('launch body: one list of fields', () => {
  it('every field of LAUNCH_BODY_FIELDS is accepted and nothing else', () => {
    assert.ok(LAUNCH_BODY_FIELDS.includes('priority') && LAUNCH_BODY_FIELDS.includes('failFast'));
    const body = readLaunchBody({ task: 'run: x', overrides: {}, envs: {}, secrets: {}, autostop: { idleMinutes: 5, down: false }, dryrun: false, noBurst: false, retryUntilUp: false, priority: 5, failFast: true });
    assert.deepEqual(Object.keys(body).sort(), [...LAUNCH_BODY_FIELDS].sort());
    rejects(() => readLaunchBody({ task: 'run: x', priorty: 5 }), ErrorCode.InvalidRequest, /unknown field\(s\) in the request body: priorty/);
  });

  it('priority and failFast come back typed, and a bad one is refused by the body reader itself', () => {
    const body = readLaunchBody({ task: 'run: x', priority: -3, failFast: true });
    assert.equal(body.priority, -3);
    assert.equal(body.failFast, true);
    assert.equal(readLaunchBody({ task: 'run: x' }).priority, undefined);
    rejects(() => readLaunchBody({ task: 'run: x', priority: 1001 }), ErrorCode.InvalidRequest, /"priority" must be a whole number from -1000 to 1000/);
    rejects(() => readLaunchBody({ task: 'run: x', failFast: 'yes' }), ErrorCode.InvalidRequest, /"failFast" must be true or false/);
  });
});
