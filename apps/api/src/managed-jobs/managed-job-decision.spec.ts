import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ClusterStatus, ErrorCode, JobStatus, ManagedJobStatus, RequestStatus } from '@skyport/contracts';
import { decideAttempt, recoveryOf, type AttemptObservation } from './managed-job-decision';

const started = new Date('2026-01-01T00:00:00Z');

function seen(over: Partial<AttemptObservation> = {}): AttemptObservation {
  return {
    status: ManagedJobStatus.Running,
    restartCount: 0,
    recovery: { strategy: 'FAILOVER', maxRestartsOnErrors: 0, recoverOnExitCodes: [] },
    request: { status: RequestStatus.Running, errorCode: null, errorMessage: null },
    cluster: { status: ClusterStatus.Up, statusReason: null },
    job: { status: JobStatus.Running, exitCodes: null, startedAt: started },
    ...over,
  };
}

describe('managed job decisions', () => {
  it('STARTING becomes RUNNING once its job runs; a RUNNING job waits', () => {
    assert.deepEqual(decideAttempt(seen({ status: ManagedJobStatus.Starting })), { kind: 'running' });
    assert.deepEqual(decideAttempt(seen({ status: ManagedJobStatus.Recovering, job: { status: JobStatus.SettingUp, exitCodes: null, startedAt: started } })), { kind: 'running' });
    assert.deepEqual(decideAttempt(seen()), { kind: 'wait' });
  });

  it('a launch still provisioning waits', () => {
    const o = seen({ status: ManagedJobStatus.Starting, cluster: { status: ClusterStatus.Provisioning, statusReason: null }, job: { status: JobStatus.Pending, exitCodes: null, startedAt: null } });
    assert.deepEqual(decideAttempt(o), { kind: 'wait' });
  });

  it('the job succeeded: SUCCEEDED', () => {
    assert.deepEqual(decideAttempt(seen({ job: { status: JobStatus.Succeeded, exitCodes: [0], startedAt: started } })), { kind: 'succeeded' });
  });

  it('user code failing restarts while max_restarts_on_errors allows, then FAILED', () => {
    const failed = { status: JobStatus.Failed, exitCodes: [3], startedAt: started };
    const recovery = { strategy: 'FAILOVER' as const, maxRestartsOnErrors: 2, recoverOnExitCodes: [] };
    assert.equal(decideAttempt(seen({ job: failed, recovery, restartCount: 0 })).kind, 'restart');
    assert.equal(decideAttempt(seen({ job: failed, recovery, restartCount: 1 })).kind, 'restart');
    const last = decideAttempt(seen({ job: failed, recovery, restartCount: 2 }));
    assert.equal(last.kind, 'failed');
    assert.match((last as { reason: string }).reason, /exited with 3 after 2 restart/);
    assert.equal(decideAttempt(seen({ job: failed })).kind, 'failed');
  });

  it('an exit code in recover_on_exit_codes recovers without counting a restart', () => {
    const o = seen({ job: { status: JobStatus.Failed, exitCodes: [29], startedAt: started }, recovery: { strategy: 'FAILOVER', maxRestartsOnErrors: 0, recoverOnExitCodes: [29] } });
    assert.equal(decideAttempt(o).kind, 'recover');
  });

  it('a lost cluster recovers: the job failed with the driver, or the cluster is FAILED under a running job', () => {
    assert.equal(decideAttempt(seen({ job: { status: JobStatus.FailedDriver, exitCodes: null, startedAt: started }, cluster: { status: ClusterStatus.Failed, statusReason: 'pod deleted' } })).kind, 'recover');
    assert.equal(decideAttempt(seen({ cluster: { status: ClusterStatus.Failed, statusReason: 'pod deleted' } })).kind, 'recover');
    assert.equal(decideAttempt(seen({ cluster: null })).kind, 'recover');
  });

  it('a launch that found no capacity is FAILED_NO_RESOURCE; another launch failure is FAILED', () => {
    const failedLaunch = (code: string) =>
      seen({
        status: ManagedJobStatus.Starting,
        request: { status: RequestStatus.Failed, errorCode: code, errorMessage: 'no context fits' },
        cluster: { status: ClusterStatus.Failed, statusReason: null },
        job: { status: JobStatus.Failed, exitCodes: null, startedAt: null },
      });
    assert.equal(decideAttempt(failedLaunch(ErrorCode.NoFeasibleResources)).kind, 'failed-no-resource');
    assert.equal(decideAttempt(failedLaunch(ErrorCode.Unschedulable)).kind, 'failed-no-resource');
    assert.equal(decideAttempt(failedLaunch(ErrorCode.ImagePullFailed)).kind, 'failed');
  });

  it('job_recovery: SkyPilot defaults, a string strategy, and the object form', () => {
    assert.deepEqual(recoveryOf(undefined), { strategy: 'FAILOVER', maxRestartsOnErrors: 0, recoverOnExitCodes: [] });
    assert.deepEqual(recoveryOf({ strategy: 'eager_next_region' }), { strategy: 'EAGER_NEXT_REGION', maxRestartsOnErrors: 0, recoverOnExitCodes: [] });
    assert.deepEqual(recoveryOf({ max_restarts_on_errors: 2, recover_on_exit_codes: 33 }), { strategy: 'FAILOVER', maxRestartsOnErrors: 2, recoverOnExitCodes: [33] });
  });
});
