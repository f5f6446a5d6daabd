import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkManagedJobBody } from './managed-job-body';

describe('jobs launch body', () => {
  it('refuses a pipeline (several YAML documents), naming the limitation', () => {
    assert.throws(() => checkManagedJobBody({ task: 'name: pipe\n---\nrun: echo a\n---\nrun: echo b\n' }), /3 YAML documents \(a pipeline\); managed job pipelines are not supported yet/);
  });

  it('takes one task, and refuses dryrun and autostop with what to do instead', () => {
    checkManagedJobBody({ task: 'run: echo hi\n' });
    assert.throws(() => checkManagedJobBody({ task: 'run: echo hi\n', dryrun: true }), /skyport launch --dryrun/);
    assert.throws(() => checkManagedJobBody({ task: 'run: echo hi\n', autostop: { idleMinutes: 5, down: true } }), /torn down when the job ends/);
  });
});
