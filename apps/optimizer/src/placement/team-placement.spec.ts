import { test } from 'node:test';
import assert from 'node:assert/strict';
import { placementOf } from '@skyport/contracts';
import { confineToTeam } from './team-placement';
import { twoContextPlan } from '../testing/two-context-plan';

const plan = twoContextPlan();
const team = { team: 'ml', namespaces: [{ context: 'ctx-b', namespace: 'ml-b' }, { context: 'ctx-b', namespace: 'ml-b2' }] };

test('a context where the team has no namespace is not a candidate, with that reason; the other gets its namespace', () => {
  assert.equal(plan.candidates[plan.chosenIndex]?.region, 'ctx-a');
  const confined = confineToTeam(plan, team);
  const chosen = confined.candidates[confined.chosenIndex];
  assert.equal(chosen?.region, 'ctx-b');
  assert.equal(chosen?.namespace, 'ml-b');
  const a = confined.candidates.find((c) => c.region === 'ctx-a');
  assert.equal(a?.feasible, false);
  assert.equal(a?.reason, "ctx-a: team 'ml' has no namespace on this context (its contexts: ctx-b)");
});

test("the task's own namespace is used when it is one of the team's on that context", () => {
  const confined = confineToTeam(plan, team, 'ml-b2');
  assert.equal(confined.candidates[confined.chosenIndex]?.namespace, 'ml-b2');
  assert.equal(confineToTeam(plan, team, 'other').candidates[0]?.namespace, 'ml-b');
});

test('no placement (admins, teams without namespaces) leaves the plan alone; malformed placements are ignored', () => {
  assert.equal(confineToTeam(plan, undefined), plan);
  assert.equal(placementOf({ placement: { team: 'ml', namespaces: [] } }), undefined);
  assert.equal(placementOf({ placement: 'x' }), undefined);
  assert.deepEqual(placementOf({ placement: team }), team);
});
