import type { ProvisionerRpc } from '@skyport/contracts';
import type { ContextCheck } from './infra.dto';

const GIB = 1024 ** 3;

type Node = ProvisionerRpc.NodeCapacity;

function sum(nodes: readonly Node[], of: (n: Node) => number): number {
  return nodes.reduce((acc, n) => acc + of(n), 0);
}

/**
 * CPU and memory of a context from the provisioner's snapshot: allocatable over all nodes, free only where a pod
 * could land now (ready, schedulable nodes), as `show-gpus` counts GPUs. Rounded to what a person reads:
 * 0.001 core, 0.01 GB.
 */
export function contextResources(nodes: readonly Node[]): Pick<ContextCheck, 'cpus' | 'memoryGb'> {
  const placeable = nodes.filter((n) => n.ready && n.schedulable);
  const cores = (milli: number) => Math.round(milli) / 1000;
  const gb = (bytes: number) => Math.round((bytes / GIB) * 100) / 100;
  return {
    cpus: { allocatable: cores(sum(nodes, (n) => n.cpuAllocatableMilli)), free: cores(sum(placeable, (n) => n.cpuFreeMilli)) },
    memoryGb: { allocatable: gb(sum(nodes, (n) => n.memoryAllocatableBytes)), free: gb(sum(placeable, (n) => n.memoryFreeBytes)) },
  };
}
