import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ClusterStatus, RequestKind, RequestStatus } from '@skyport/contracts';
import { redriveFor, type QuietRequest } from './redrive-decision';

const launch = (over: Partial<QuietRequest> = {}): QuietRequest => ({
  id: 'r1',
  kind: RequestKind.Launch,
  status: RequestStatus.Pending,
  clusterName: 'c1',
  clusterStatus: ClusterStatus.Init,
  clusterIsMine: true,
  planId: null,
  waiting: false,
  hasLiveJob: false,
  ...over,
});

test('a launch with a live queue job or waiting on purpose is left alone', () => {
  assert.deepEqual(redriveFor(launch({ hasLiveJob: true })), { action: 'none' });
  assert.deepEqual(redriveFor(launch({ waiting: true })), { action: 'none' });
});

test('a launch stuck before its plan is planned again; after it, provisioned again with the stored plan', () => {
  assert.deepEqual(redriveFor(launch()), { action: 'optimize' });
  assert.deepEqual(redriveFor(launch({ planId: 'p1' })), { action: 'provision', planId: 'p1' });
  assert.deepEqual(redriveFor(launch({ clusterStatus: ClusterStatus.Provisioning, planId: 'p1' })), { action: 'provision', planId: 'p1' });
});

test('a launch whose cluster was taken down ends CANCELLED, also while it waits; failed or removed ends FAILED; UP is the job runner\'s', () => {
  assert.equal(redriveFor(launch({ clusterStatus: ClusterStatus.Terminated })).action, 'cancel');
  assert.equal(redriveFor(launch({ clusterStatus: ClusterStatus.TearingDown })).action, 'cancel');
  assert.equal(redriveFor(launch({ clusterStatus: ClusterStatus.TearingDown, waiting: true })).action, 'cancel');
  assert.equal(redriveFor(launch({ clusterStatus: ClusterStatus.Failed })).action, 'fail');
  assert.equal(redriveFor(launch({ clusterStatus: null })).action, 'fail');
  assert.deepEqual(redriveFor(launch({ clusterStatus: ClusterStatus.Up })), { action: 'none' });
});

test('a launch on a cluster another request placed is not touched', () => {
  assert.deepEqual(redriveFor(launch({ clusterIsMine: false, clusterStatus: ClusterStatus.Provisioning, planId: 'p1' })), { action: 'none' });
});

test('a down request tears down again until the cluster is gone, then succeeds', () => {
  const down = launch({ kind: RequestKind.Down, clusterStatus: ClusterStatus.TearingDown });
  assert.deepEqual(redriveFor(down), { action: 'teardown' });
  assert.deepEqual(redriveFor({ ...down, clusterStatus: ClusterStatus.Up }), { action: 'teardown' });
  assert.equal(redriveFor({ ...down, clusterStatus: ClusterStatus.Terminated }).action, 'succeed');
  assert.equal(redriveFor({ ...down, clusterStatus: null }).action, 'succeed');
});

test('exec requests are the job runner\'s', () => {
  assert.deepEqual(redriveFor(launch({ kind: RequestKind.Exec, clusterStatus: ClusterStatus.Up })), { action: 'none' });
});

test('a STOPPED cluster is at rest: its launch and its finished requests are not stuck; a lost stop or start is published again', () => {
  assert.deepEqual(redriveFor(launch({ clusterStatus: ClusterStatus.Stopped })), { action: 'none' });
  assert.deepEqual(redriveFor(launch({ clusterStatus: ClusterStatus.Stopped, clusterIsMine: false })), { action: 'none' });
  const power = (kind: RequestKind, clusterStatus: ClusterStatus | null, over: Partial<QuietRequest> = {}) => redriveFor(launch({ kind, clusterStatus, ...over }));
  assert.deepEqual(power(RequestKind.Stop, ClusterStatus.Stopped), { action: 'power', op: 'stop' });
  assert.deepEqual(power(RequestKind.Start, ClusterStatus.Stopped), { action: 'power', op: 'start' });
  assert.deepEqual(power(RequestKind.Stop, ClusterStatus.Stopped, { hasLiveJob: true }), { action: 'none' });
  assert.equal(power(RequestKind.Start, ClusterStatus.Up).action, 'succeed');
  assert.equal(power(RequestKind.Stop, ClusterStatus.Up).action, 'fail');
  assert.equal(power(RequestKind.Stop, ClusterStatus.TearingDown).action, 'cancel');
  assert.equal(power(RequestKind.Start, null).action, 'cancel');
});

test('down of a STOPPED cluster is re-driven as any teardown', () => {
  assert.deepEqual(redriveFor(launch({ kind: RequestKind.Down, clusterStatus: ClusterStatus.Stopped })), { action: 'teardown' });
});
