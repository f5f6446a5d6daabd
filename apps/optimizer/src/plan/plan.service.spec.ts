import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultCatalog } from '@skyport/catalog';
import { type PlanTask } from '@skyport/planner';
import { contextCapacity } from '@skyport/planner/testing';
import type { CapacitySnapshot, CapacitySource } from '../capacity/capacity.source';
import { PlanService } from './plan.service';
import type { PlanSettings } from './plan-settings';

class RecordingCapacity implements CapacitySource {
  asked: string[][] = [];
  constructor(private readonly snapshot: CapacitySnapshot) {}
  async capacity(contexts: readonly string[]): Promise<CapacitySnapshot> {
    this.asked.push([...contexts]);
    return this.snapshot;
  }
}

const settings = (over: Partial<PlanSettings> = {}): PlanSettings => ({
  allowedContexts: [],
  enabledClouds: [],
  forContext: () => ({ autoscaler: false }),
  ...over,
});
const task: PlanTask = { numNodes: 1, resourcesOrder: 'any', resources: [{ useSpot: false }] };
const snapshot: CapacitySnapshot = {
  contexts: [contextCapacity('ctx-a', [{ cpus: 4, memoryGb: 16 }]), contextCapacity('ctx-b', [{ cpus: 4, memoryGb: 16, freeCpus: 0 }])],
};

test('with no configured contexts, the provisioner reports which to plan on', async () => {
  const capacity = new RecordingCapacity(snapshot);
  const { plan } = await new PlanService(capacity, settings(), defaultCatalog()).plan({ task });
  assert.deepEqual(capacity.asked, [[]]);
  assert.equal(plan.candidates[0].candidateId, 'kubernetes/ctx-a');
  assert.match(plan.candidates.find((c) => c.region === 'ctx-b')?.reason ?? '', /ctx-b: largest free CPU/);
});

test('a request for some contexts asks for and plans on those only', async () => {
  const capacity = new RecordingCapacity({ contexts: [snapshot.contexts[1]] });
  const { plan } = await new PlanService(capacity, settings({ allowedContexts: ['ctx-a', 'ctx-b'] }), defaultCatalog()).plan({ task, contexts: ['ctx-b', 'ctx-z'] });
  assert.deepEqual(capacity.asked, [['ctx-b']]);
  assert.deepEqual(plan.candidates.filter((c) => c.provider === 'kubernetes').map((c) => c.region), ['ctx-b']);
});

test('contexts outside the allowed list are refused', async () => {
  const service = new PlanService(new RecordingCapacity(snapshot), settings({ allowedContexts: ['ctx-a'] }), defaultCatalog());
  await assert.rejects(service.plan({ task, contexts: ['ctx-z'] }), /none of the contexts asked for \(ctx-z\) is allowed; allowed: ctx-a/);
});

test('provisioner unavailable: configured contexts carry the reason; enabled clouds still plan', async () => {
  const capacity = new RecordingCapacity({ contexts: [], error: 'provisioner unavailable, capacity unknown (connection refused)' });
  const { plan, capacityError } = await new PlanService(capacity, settings({ allowedContexts: ['ctx-a'], enabledClouds: ['gcp'] }), defaultCatalog()).plan({ task });
  assert.match(capacityError ?? '', /provisioner unavailable/);
  const k8s = plan.candidates.find((c) => c.provider === 'kubernetes');
  assert.equal(k8s?.reason, 'ctx-a: provisioner unavailable, capacity unknown (connection refused)');
  assert.equal(plan.candidates[plan.chosenIndex].provider, 'gcp');
});

test('autoscaler contexts and pricing come from the settings', async () => {
  const full = { contexts: [contextCapacity('ctx-a', [{ cpus: 4, memoryGb: 16, freeCpus: 0 }])] };
  const service = new PlanService(
    new RecordingCapacity(full),
    settings({ forContext: (ctx) => ({ autoscaler: ctx === 'ctx-a', pricing: { cpu_per_hour: 0.05 } }) }),
    defaultCatalog(),
  );
  const { plan } = await service.plan({ task });
  assert.equal(plan.chosenIndex, 0);
  assert.equal(plan.candidates[0].candidateId, 'kubernetes/ctx-a');
  assert.equal(plan.candidates[0].hourlyPrice, 0.1);
});
