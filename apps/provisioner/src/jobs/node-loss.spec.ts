import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { V1Pod } from '@skyport/kube';
import { describeNodeLoss } from './node-loss';

const pod = (rank: number, status: V1Pod['status'], deleting = false): V1Pod => ({
  metadata: { name: `c-${rank}`, labels: { 'skyport.dev/node-rank': String(rank) }, ...(deleting ? { deletionTimestamp: new Date() } : {}) },
  status,
});

describe('describeNodeLoss', () => {
  it('nothing when every node runs', () => {
    assert.deepEqual(describeNodeLoss([pod(0, { phase: 'Running', containerStatuses: [{ name: 'skyport', image: 'i', imageID: '', ready: true, restartCount: 0, state: { running: {} } }] })], 1), []);
  });

  it("names a deleted pod and a container's exit code and reason", () => {
    const killed = pod(1, {
      phase: 'Failed',
      containerStatuses: [{ name: 'skyport', image: 'i', imageID: '', ready: false, restartCount: 0, state: { terminated: { exitCode: 137, reason: 'OOMKilled' } } }],
    });
    assert.deepEqual(describeNodeLoss([killed], 2), ['node 0: its pod was deleted', "node 1: pod c-1's container exited with code 137 (OOMKilled)"]);
  });

  it('a pod being deleted, and one not running for another reason', () => {
    const deleting = pod(0, { phase: 'Running', containerStatuses: [{ name: 'skyport', image: 'i', imageID: '', ready: true, restartCount: 0, state: { running: {} } }] }, true);
    const pending = pod(1, { phase: 'Pending', containerStatuses: [{ name: 'skyport', image: 'i', imageID: '', ready: false, restartCount: 0, state: { waiting: { reason: 'ImagePullBackOff' } } }] });
    assert.deepEqual(describeNodeLoss([deleting, pending], 2), ['node 0: pod c-0 is being deleted', 'node 1: pod c-1 is Pending (ImagePullBackOff)']);
  });
});
