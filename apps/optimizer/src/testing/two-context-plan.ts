import type { OptimizerRpc } from '@skyport/contracts';
import { defaultCatalog } from '@skyport/catalog';
import { planTask } from '@skyport/planner';
import { contextCapacity } from '@skyport/planner/testing';

/** A default CPU task planned on two free contexts, ctx-a then ctx-b, no clouds: for tests of plan revisions. */
export function twoContextPlan(): OptimizerRpc.PlanResponse {
  return planTask({
    task: { numNodes: 1, resourcesOrder: 'any', resources: [{ useSpot: false }] },
    capacity: [contextCapacity('ctx-a', [{ cpus: 4, memoryGb: 16 }]), contextCapacity('ctx-b', [{ cpus: 4, memoryGb: 16 }])],
    catalog: defaultCatalog(),
    config: { allowedContexts: ['ctx-a', 'ctx-b'], enabledClouds: [] },
  });
}
