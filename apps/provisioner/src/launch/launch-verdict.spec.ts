import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode } from '@skyport/contracts';
import type { CoreV1Event, V1Pod } from '@skyport/kube';
import { evaluateLaunch } from './launch-verdict';
import { describeShapeDifference } from './relaunch-compat';

const pod = (name: string, status: V1Pod['status'], uid = `uid-${name}`): V1Pod => ({ metadata: { name, uid }, spec: { containers: [{ name: 'skyport', image: 'debian' }] }, status });
const event = (name: string, reason: string, message: string, uid = `uid-${name}`): CoreV1Event => ({
  metadata: { name: `${name}.${reason}` },
  involvedObject: { kind: 'Pod', name, uid },
  reason,
  message,
  lastTimestamp: new Date(),
});

test('running only when every expected pod runs', () => {
  assert.equal(evaluateLaunch(['a', 'b'], [pod('a', { phase: 'Running' })], []).kind, 'pending');
  assert.equal(evaluateLaunch(['a', 'b'], [pod('a', { phase: 'Running' }), pod('b', { phase: 'Running' })], []).kind, 'running');
});

test('image pull errors and crash loops fail fast with the reason', () => {
  for (const [reason, code] of [
    ['ErrImagePull', ErrorCode.ImagePullFailed],
    ['ImagePullBackOff', ErrorCode.ImagePullFailed],
    ['InvalidImageName', ErrorCode.ImagePullFailed],
    ['CrashLoopBackOff', ErrorCode.ProviderUnavailable],
  ] as const) {
    const v = evaluateLaunch(['a'], [pod('a', { phase: 'Pending', containerStatuses: [{ name: 'skyport', image: 'x', imageID: '', ready: false, restartCount: 0, state: { waiting: { reason, message: 'boom' } } }] })], []);
    assert.equal(v.kind, 'failed');
    if (v.kind === 'failed') {
      assert.equal(v.code, code);
      assert.match(v.message, new RegExp(`${reason} — boom`));
    }
  }
});

test('FailedMount events fail fast; events of an older pod with the same name are ignored', () => {
  const v = evaluateLaunch(['a'], [pod('a', { phase: 'Pending' })], [event('a', 'FailedMount', 'MountVolume.SetUp failed: pvc "x" not found')]);
  assert.equal(v.kind, 'failed');
  const stale = evaluateLaunch(['a'], [pod('a', { phase: 'Pending' })], [event('a', 'FailedMount', 'old', 'uid-previous')]);
  assert.equal(stale.kind, 'pending');
});

test('a failed pod is reported with its exit code', () => {
  const v = evaluateLaunch(['a'], [pod('a', { phase: 'Failed', containerStatuses: [{ name: 'skyport', image: 'x', imageID: '', ready: false, restartCount: 0, state: { terminated: { exitCode: 137, reason: 'OOMKilled' } } }] })], []);
  assert.ok(v.kind === 'failed' && /OOMKilled/.test(v.message) && /exit code 137/.test(v.message));
});

test('pending keeps the scheduler word per pod and notices a scale-up', () => {
  const v = evaluateLaunch(['a'], [pod('a', { phase: 'Pending' })], [event('a', 'FailedScheduling', '0/2 nodes are available: 2 Insufficient cpu.'), event('a', 'TriggeredScaleUp', 'pod triggered scale-up')]);
  assert.ok(v.kind === 'pending' && v.scaleUp && v.lastScheduling.get('a')?.includes('Insufficient cpu'));
});

test('relaunch compatibility names what differs', () => {
  const mk = (image: string, cpu: string): V1Pod => ({ spec: { containers: [{ name: 'skyport', image, resources: { requests: { cpu, memory: '4Gi' } } }] } });
  assert.equal(describeShapeDifference(mk('debian', '2'), mk('debian', '2')), undefined);
  assert.equal(describeShapeDifference(mk('debian', '2'), mk('pytorch', '4')), 'image debian → pytorch, cpu 2 → 4');
});
