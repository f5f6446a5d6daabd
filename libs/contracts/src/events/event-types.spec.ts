import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManagedJobStatus } from '../states/managed-job-states';
import { ClusterStatus, JobStatus, RequestStatus } from '../states/states';
import { EVENT_TYPES, isEventType, jobEventType, jobStatusOfEventType, managedJobEventType, requestEventType, clusterEventType, type EventType } from './event-types';

test('a status change is its subject and new status, lowercase', () => {
  assert.equal(jobEventType(JobStatus.SettingUp), 'job.setting_up');
  assert.equal(jobEventType(JobStatus.FailedDriver), 'job.failed_driver');
  assert.equal(requestEventType(RequestStatus.Cancelled), 'request.cancelled');
  assert.equal(clusterEventType(ClusterStatus.TearingDown), 'cluster.tearing_down');
  assert.equal(managedJobEventType(ManagedJobStatus.FailedNoResource), 'managed_job.failed_no_resource');
  // The derived type is the literal, so a caller cannot pass it where another type is expected.
  const running: 'job.running' = jobEventType(JobStatus.Running);
  assert.equal(running, 'job.running');
});

test('EVENT_TYPES lists every status of every subject and the milestones, once each', () => {
  assert.equal(new Set(EVENT_TYPES).size, EVENT_TYPES.length);
  for (const s of Object.values(JobStatus)) assert.ok(EVENT_TYPES.includes(jobEventType(s)), s);
  for (const s of Object.values(ManagedJobStatus)) assert.ok(EVENT_TYPES.includes(managedJobEventType(s)), s);
  for (const t of ['request.accepted', 'request.queued', 'plan.infeasible', 'provision.attempt_failed', 'cluster.autostop', 'job.cancel_requested', 'reaper.deleted'] satisfies EventType[]) {
    assert.ok(isEventType(t), t);
  }
  for (const t of EVENT_TYPES) assert.match(t, /^[a-z_]+\.[a-z_]+$/);
  assert.equal(isEventType('job.bogus'), false);
  assert.equal(isEventType('JOB.RUNNING'), false);
});

test('jobStatusOfEventType reads a job state back from its event type and nothing else', () => {
  for (const s of Object.values(JobStatus)) assert.equal(jobStatusOfEventType(jobEventType(s)), s);
  assert.equal(jobStatusOfEventType('job.cancel_requested'), undefined);
  assert.equal(jobStatusOfEventType('managed_job.running'), undefined);
  assert.equal(jobStatusOfEventType('request.running'), undefined);
  assert.equal(jobStatusOfEventType('job.'), undefined);
});
