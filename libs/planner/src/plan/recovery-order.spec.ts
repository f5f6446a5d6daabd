import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { OptimizerRpc } from '@skyport/contracts';
import { planCandidate } from '../testing/capacity-fixtures';
import { orderForRelaunch } from './recovery-order';

const c = (provider: string, region: string, feasible: boolean, type = 'x'): OptimizerRpc.Candidate =>
  planCandidate(provider, region, feasible, { instanceType: type, reason: feasible ? '' : `${region}: Insufficient cpu` });
const plan = (...candidates: OptimizerRpc.Candidate[]): OptimizerRpc.PlanResponse => ({ planId: 'p', numNodes: 1, chosenIndex: candidates[0]?.feasible ? 0 : -1, candidates });
const ids = (p: OptimizerRpc.PlanResponse) => p.candidates.map((x) => x.candidateId);

const base = plan(c('kubernetes', 'a', true), c('kubernetes', 'b', true), c('aws', 'us-east-1', true, 'm5.large'), c('aws', 'us-east-1', true, 'm5.xlarge'), c('aws', 'us-west-2', true), c('kubernetes', 'z', false));

test('no relaunch: the plan as it was', () => {
  assert.equal(orderForRelaunch(base, undefined), base);
});

test('FAILOVER: the lost context first, the rest in plan order', () => {
  const p = orderForRelaunch(base, { strategy: 'FAILOVER', lost: { provider: 'kubernetes', region: 'b' } });
  assert.deepEqual(ids(p), ['kubernetes/b', 'kubernetes/a', 'aws/us-east-1/m5.large', 'aws/us-east-1/m5.xlarge', 'aws/us-west-2/x', 'kubernetes/z']);
  assert.equal(p.chosenIndex, 0);
});

test('EAGER_NEXT_REGION: the lost context last among the feasible ones, nothing dropped', () => {
  const p = orderForRelaunch(base, { strategy: 'EAGER_NEXT_REGION', lost: { provider: 'kubernetes', region: 'a' } });
  assert.deepEqual(ids(p), ['kubernetes/b', 'aws/us-east-1/m5.large', 'aws/us-east-1/m5.xlarge', 'aws/us-west-2/x', 'kubernetes/a', 'kubernetes/z']);
  assert.equal(p.candidates.length, base.candidates.length);
});

test('a cloud region: every instance type there moves together, keeping their order', () => {
  const eager = orderForRelaunch(base, { strategy: 'EAGER_NEXT_REGION', lost: { provider: 'aws', region: 'us-east-1' } });
  assert.deepEqual(ids(eager), ['kubernetes/a', 'kubernetes/b', 'aws/us-west-2/x', 'aws/us-east-1/m5.large', 'aws/us-east-1/m5.xlarge', 'kubernetes/z']);
  const failover = orderForRelaunch(base, { strategy: 'FAILOVER', lost: { provider: 'aws', region: 'us-east-1' } });
  assert.deepEqual(ids(failover).slice(0, 3), ['aws/us-east-1/m5.large', 'aws/us-east-1/m5.xlarge', 'kubernetes/a']);
});

test('the same region name on another provider is not the lost location', () => {
  const p = orderForRelaunch(plan(c('kubernetes', 'us-east-1', true), c('aws', 'us-east-1', true)), { strategy: 'EAGER_NEXT_REGION', lost: { provider: 'aws', region: 'us-east-1' } });
  assert.deepEqual(ids(p), ['kubernetes/us-east-1', 'aws/us-east-1/x']);
});

test('the lost location alone feasible is still chosen (EAGER_NEXT_REGION never drops it)', () => {
  const p = orderForRelaunch(plan(c('kubernetes', 'b', false), c('kubernetes', 'a', true)), { strategy: 'EAGER_NEXT_REGION', lost: { provider: 'kubernetes', region: 'a' } });
  assert.deepEqual(ids(p), ['kubernetes/a', 'kubernetes/b']);
  assert.equal(p.chosenIndex, 0);
});

test('the lost location infeasible now stays among the infeasible, FAILOVER or not', () => {
  const p = orderForRelaunch(plan(c('kubernetes', 'b', true), c('kubernetes', 'a', false)), { strategy: 'FAILOVER', lost: { provider: 'kubernetes', region: 'a' } });
  assert.deepEqual(ids(p), ['kubernetes/b', 'kubernetes/a']);
  assert.equal(p.chosenIndex, 0);
});

test('nothing feasible: nothing chosen', () => {
  const p = orderForRelaunch(plan(c('kubernetes', 'a', false)), { strategy: 'FAILOVER', lost: { provider: 'kubernetes', region: 'a' } });
  assert.equal(p.chosenIndex, -1);
});
