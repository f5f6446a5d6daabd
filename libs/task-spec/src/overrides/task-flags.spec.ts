import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ErrorCode, SkyportError } from '@skyport/contracts';
import { parseTaskYaml } from '../parse-task';
import { applyLaunchInputs } from './apply-launch-inputs';

const task = parseTaskYaml(`
name: from-file
resources:
  ports: 8080
  any_of:
    - infra: k8s
    - infra: aws
setup: pip install -r requirements.txt
run: python train.py
`).tasks[0];

function rejects(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => e instanceof SkyportError && e.code === ErrorCode.InvalidTask && pattern.test(e.userMessage), String(pattern));
}

describe('the flags users type most, as overrides', () => {
  it('-n/--name replaces the task name, checked as the file would be', () => {
    assert.equal(applyLaunchInputs(task, { overrides: { name: 'my-run.2' } }).name, 'my-run.2');
    rejects(() => applyLaunchInputs(task, { overrides: { name: 'bad name!' } }), /^--name: task name 'bad name!' is not valid/);
    rejects(() => applyLaunchInputs(task, { overrides: { name: 3 as unknown as string } }), /^--name: expected a task name/);
  });

  it('--no-setup drops the setup, keeps the run', () => {
    const out = applyLaunchInputs(task, { overrides: { noSetup: true } });
    assert.equal(out.setup, undefined);
    assert.equal(out.run, 'python train.py');
    assert.equal(applyLaunchInputs(task, { overrides: { noSetup: false } }).setup, 'pip install -r requirements.txt');
    rejects(() => applyLaunchInputs(task, { overrides: { noSetup: 'yes' as unknown as boolean } }), /^--no-setup: expected true or false/);
  });

  it("--ports adds to every resource choice's ports, merged", () => {
    const out = applyLaunchInputs(task, { overrides: { ports: ['8081', '9000-9002', '443,80'] } });
    for (const r of out.resources) assert.deepEqual(r.ports, [{ from: 80, to: 80 }, { from: 443, to: 443 }, { from: 8080, to: 8081 }, { from: 9000, to: 9002 }]);
    rejects(() => applyLaunchInputs(task, { overrides: { ports: ['http'] } }), /^--ports: 'http' is not a port/);
    rejects(() => applyLaunchInputs(task, { overrides: { ports: '8080' as unknown as string[] } }), /^--ports: expected a list of ports/);
  });

  it('--instance-type sets every choice; a cloud type on Kubernetes is refused with the pod shape to use', () => {
    const cloudOnly = parseTaskYaml('resources:\n  infra: aws\nrun: x\n').tasks[0];
    assert.equal(applyLaunchInputs(cloudOnly, { overrides: { instanceType: ' m5.xlarge ' } }).resources[0].instanceType, 'm5.xlarge');
    const out = applyLaunchInputs(task, { overrides: { instanceType: '4CPU--16GB' } });
    assert.deepEqual(out.resources.map((r) => r.instanceType), ['4CPU--16GB', '4CPU--16GB']);
    rejects(() => applyLaunchInputs(task, { overrides: { instanceType: 'm5.xlarge' } }), /^--instance-type: 'm5.xlarge' is a cloud instance type; on Kubernetes use the pod shape/);
    rejects(() => applyLaunchInputs(task, { overrides: { instanceType: '' } }), /^--instance-type: expected an instance type/);
  });
});
