import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { V1Pod } from '@kubernetes/client-node';
import { isPodServing } from './pod-ready';

const pod = (phase: string, ready: string, deleting = false): V1Pod => ({
  metadata: { name: 'p', ...(deleting ? { deletionTimestamp: new Date() } : {}) },
  status: { phase, conditions: [{ type: 'Ready', status: ready }] },
});

test('a pod serves when Running and Ready, and not while it is being deleted', () => {
  assert.equal(isPodServing(pod('Running', 'True')), true);
  assert.equal(isPodServing(pod('Running', 'False')), false);
  assert.equal(isPodServing(pod('Pending', 'True')), false);
  assert.equal(isPodServing(pod('Running', 'True', true)), false);
  assert.equal(isPodServing({ metadata: { name: 'p' } }), false);
});
