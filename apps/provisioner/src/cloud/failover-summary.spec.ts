import { test } from 'node:test';
import assert from 'node:assert/strict';
import { failoverSummary, mergeBlocked } from './failover-summary';

const k = (ctx: string, feasible: boolean, reason = '') => ({ candidateId: `kubernetes/${ctx}`, provider: 'kubernetes', region: ctx, instanceType: '8CPU--32GB--A100:8', feasible, reason });
const aws = { candidateId: 'aws/us-east-1/p4d.24xlarge', provider: 'aws', region: 'us-east-1', instanceType: 'p4d.24xlarge', feasible: true, reason: '' };

test('the issue\'s example line: capacity skip, a failed attempt, the cloud choice', () => {
  const candidates = [aws, k('ctx-onprem', false, 'ctx-onprem: Insufficient nvidia.com/gpu (0/8 free)'), k('ctx-gke', true)];
  const line = failoverSummary(candidates, [{ candidateId: 'kubernetes/ctx-gke', reason: 'quota' }], aws);
  assert.equal(line, 'ctx-gke: quota; ctx-onprem: Insufficient nvidia.com/gpu (0/8 free); chose aws/us-east-1 p4d.24xlarge');
});

test('a Kubernetes choice, not-enabled clouds left out', () => {
  const gcp = { candidateId: 'gcp/us-central1/a2-highgpu-8g', provider: 'gcp', region: 'us-central1', instanceType: 'a2-highgpu-8g', feasible: false, reason: 'GCP: not enabled' };
  assert.equal(failoverSummary([k('b', true), gcp, k('a', false, 'Insufficient cpu')], [], k('b', true)), 'a: Insufficient cpu; chose b');
});

test('mergeBlocked keeps the first reason per candidate', () => {
  assert.deepEqual(mergeBlocked([{ candidateId: 'x', reason: 'first' }], [{ candidateId: 'x', reason: 'second' }, { candidateId: 'y', reason: 'y' }]), [
    { candidateId: 'x', reason: 'first' },
    { candidateId: 'y', reason: 'y' },
  ]);
});
