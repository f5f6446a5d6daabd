import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { OptimizerRpc } from '@skyport/contracts';
import { planCandidate } from '../testing/capacity-fixtures';
import { withoutBurst } from './no-burst';

const c = (provider: string, region: string, feasible: boolean, reason = ''): OptimizerRpc.Candidate =>
  planCandidate(provider, region, feasible, { reason, ...(provider === 'kubernetes' ? {} : { candidateId: `${provider}/${region}/p4d.24xlarge` }) });

test('a cloud choice gives way to a feasible Kubernetes context', () => {
  const plan = withoutBurst({ planId: 'p', numNodes: 1, chosenIndex: 0, candidates: [c('aws', 'us-east-1', true), c('kubernetes', 'b', true), c('kubernetes', 'a', false, 'a: Insufficient cpu')] });
  assert.equal(plan.chosenIndex, 0);
  assert.deepEqual(plan.candidates.map((x) => [x.candidateId, x.feasible]), [['kubernetes/b', true], ['aws/us-east-1/p4d.24xlarge', false], ['kubernetes/a', false]]);
  assert.match(plan.candidates[1]!.reason, /AWS \(us-east-1\): not used with --no-burst/);
});

test('only clouds feasible: nothing is chosen (the task waits)', () => {
  const plan = withoutBurst({ planId: 'p', numNodes: 1, chosenIndex: 0, candidates: [c('aws', 'us-east-1', true), c('kubernetes', 'a', false, 'a: Insufficient cpu')] });
  assert.equal(plan.chosenIndex, -1);
  assert.ok(plan.candidates.every((x) => !x.feasible));
});
