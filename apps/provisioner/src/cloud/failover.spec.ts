import { test } from 'node:test';
import assert from 'node:assert/strict';
import { queueJobId, QueueName } from '@skyport/contracts';
import { afterFailedAttempt } from './failover';

const base = { requestId: 'r1', clusterName: 'c1', previous: [{ candidateId: 'kubernetes/a', reason: 'a: Insufficient cpu' }], ruledOut: [{ candidateId: 'kubernetes/b', reason: 'b: FailedScheduling' }] };

test('burst: re-plan at once without everything ruled out so far', () => {
  const next = afterFailedAttempt({ ...base, noBurst: false });
  assert.equal(next.delayMs, undefined);
  assert.deepEqual(next.payload.blocked?.map((b) => b.candidateId), ['kubernetes/a', 'kubernetes/b']);
  assert.equal(queueJobId(QueueName.Optimize, next.payload), 'optimize:r1:2');
});

test('--no-burst: the same blocked list again after a pause, a new job id each round', () => {
  const first = afterFailedAttempt({ ...base, noBurst: true });
  assert.deepEqual(first.payload.blocked?.map((b) => b.candidateId), ['kubernetes/a']);
  assert.ok((first.delayMs ?? 0) > 0);
  const second = afterFailedAttempt({ ...base, noBurst: true, waitRound: first.payload.waitRound });
  assert.notEqual(queueJobId(QueueName.Optimize, first.payload), queueJobId(QueueName.Optimize, second.payload));
});
