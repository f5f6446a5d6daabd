import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ClusterStatus } from '@skyport/contracts';
import { powerRefusal } from './cluster-power';
import { billedSeconds } from './clusters.service';

const aws = (status: ClusterStatus) => ({ name: 'gpu', status, infra: 'aws/us-east-1' });

test('an UP AWS cluster can stop, a STOPPED one can start; the reverse is refused with the state', () => {
  assert.equal(powerRefusal('stop', aws(ClusterStatus.Up)), undefined);
  assert.equal(powerRefusal('start', aws(ClusterStatus.Stopped)), undefined);
  assert.equal(powerRefusal('stop', aws(ClusterStatus.Stopped)), "cluster 'gpu' is already STOPPED");
  assert.equal(powerRefusal('start', aws(ClusterStatus.Up)), "cluster 'gpu' is already UP");
  assert.match(powerRefusal('stop', aws(ClusterStatus.Provisioning)) ?? '', /still being launched \(PROVISIONING\)/);
  assert.match(powerRefusal('start', aws(ClusterStatus.Terminated)) ?? '', /is TERMINATED; there is nothing to start: launch it again/);
});

test('Kubernetes clusters cannot stop, whatever their state, and the message says what to do instead', () => {
  const k = { name: 'dev', status: ClusterStatus.Up, infra: 'kubernetes/kind-a' };
  assert.match(powerRefusal('stop', k) ?? '', /Kubernetes clusters cannot be stopped .*skyport down dev.*--down/);
  assert.match(powerRefusal('start', k) ?? '', /Kubernetes clusters are never stopped/);
});

test('STOPPED time is not billed: now, before, and when torn down while stopped', () => {
  const t = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));
  assert.equal(billedSeconds(t(0), t(100), null, 0), 100);
  assert.equal(billedSeconds(t(0), t(100), t(40), 0), 40, 'stopped since 40 s');
  assert.equal(billedSeconds(t(0), t(100), null, 30), 70, 'stopped 30 s before, running again');
  assert.equal(billedSeconds(t(0), t(100), t(90), 30), 60, 'both');
});
