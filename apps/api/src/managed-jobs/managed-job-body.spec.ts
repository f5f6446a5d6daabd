import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkManagedJobBody } from './managed-job-body';

describe('jobs launch body', () => {
  it('takes a task, and refuses dryrun and autostop with what to do instead', () => {
    checkManagedJobBody({ task: 'run: echo hi\n' });
    assert.throws(() => checkManagedJobBody({ task: 'run: echo hi\n', dryrun: true }), /skyport launch --dryrun/);
    assert.throws(() => checkManagedJobBody({ task: 'run: echo hi\n', autostop: { idleMinutes: 5, down: true } }), /torn down when the job ends/);
  });
});
