import type { OptimizerRpc, ProvisionerRpc } from '@skyport/contracts';

/**
 * The snapshot as it would be with every pod gone: free = allocatable on each node; readiness, cordons, taints
 * and labels unchanged. A task that fits this can run on the context once capacity frees, so waiting makes
 * sense; one that does not would wait forever.
 */
export function capacityWhenFree(contexts: readonly ProvisionerRpc.ContextCapacity[]): ProvisionerRpc.ContextCapacity[] {
  return contexts.map((ctx) => ({
    ...ctx,
    nodes: ctx.nodes.map((n) => ({ ...n, cpuFreeMilli: n.cpuAllocatableMilli, memoryFreeBytes: n.memoryAllocatableBytes, gpuFree: n.gpuAllocatable })),
  }));
}

/** The Kubernetes contexts a plan finds feasible, in plan order. */
export function feasibleContexts(plan: OptimizerRpc.PlanResponse): string[] {
  return [...new Set(plan.candidates.filter((c) => c.provider === 'kubernetes' && c.feasible && c.region).map((c) => c.region))];
}
