import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ErrorCode, SkyportError } from '@skyport/contracts';
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
