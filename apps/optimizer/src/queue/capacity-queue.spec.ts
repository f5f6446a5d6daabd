import { test } from 'node:test';
import assert from 'node:assert/strict';
import { yieldToEarlier } from './capacity-queue';
import { twoContextPlan } from '../testing/two-context-plan';

const plan = twoContextPlan();

test('a context held by earlier waiting launches is passed over with who holds it; the next one is chosen', () => {
  const revised = yieldToEarlier(plan, new Map([['ctx-a', { waiting: 2, firstCluster: 'big' }]]));
  assert.equal(revised.candidates[revised.chosenIndex]?.region, 'ctx-b');
  const a = revised.candidates.find((c) => c.region === 'ctx-a');
  assert.equal(a?.feasible, false);
  assert.match(a?.reason ?? '', /^ctx-a: capacity here goes first to 2 earlier launches \(first: cluster 'big'\) waiting in the queue/);
});

test('every context held: nothing is chosen (the launch waits its turn); nothing held: the plan is unchanged', () => {
  const held = new Map([
    ['ctx-a', { waiting: 1, firstCluster: 'x' }],
    ['ctx-b', { waiting: 1, firstCluster: 'x' }],
  ]);
  assert.equal(yieldToEarlier(plan, held).chosenIndex, -1);
  assert.equal(yieldToEarlier(plan, new Map()), plan);
});
