import type { ProvisionerRpc } from '@skyport/contracts';

const GIB = 1024 ** 3;

export interface NodeSpec {
  name?: string;
  cpus: number;
  memoryGb: number;
  /** Free amounts; the allocatable amounts when omitted. */
  freeCpus?: number;
  freeMemoryGb?: number;
  gpus?: number;
  freeGpus?: number;
  /** Written to `gpu_model` as given (the provisioner's canonical name or a raw label value). */
  gpuModel?: string;
  gpuResourceKey?: string;
  labels?: Record<string, string>;
  taints?: ProvisionerRpc.Taint[];
  ready?: boolean;
  schedulable?: boolean;
}

/** A `NodeCapacity` as the provisioner reports it, from the few numbers a test cares about. */
export function nodeCapacity(spec: NodeSpec, index = 0): ProvisionerRpc.NodeCapacity {
  const gpus = spec.gpus ?? 0;
  return {
    name: spec.name ?? `node-${index}`,
    ready: spec.ready ?? true,
    schedulable: spec.schedulable ?? true,
    cpuAllocatableMilli: Math.round(spec.cpus * 1000),
    cpuFreeMilli: Math.round((spec.freeCpus ?? spec.cpus) * 1000),
    memoryAllocatableBytes: Math.round(spec.memoryGb * GIB),
    memoryFreeBytes: Math.round((spec.freeMemoryGb ?? spec.memoryGb) * GIB),
    gpuResourceKey: gpus > 0 ? (spec.gpuResourceKey ?? 'nvidia.com/gpu') : '',
    gpuAllocatable: gpus,
    gpuFree: spec.freeGpus ?? gpus,
    gpuModel: spec.gpuModel ?? '',
    gpuLabelKey: '',
    gpuLabelValue: '',
    labels: spec.labels ?? {},
    taints: spec.taints ?? [],
  };
}

export function contextCapacity(context: string, nodes: NodeSpec[], extra: Partial<ProvisionerRpc.ContextCapacity> = {}): ProvisionerRpc.ContextCapacity {
  return {
    context,
    namespace: 'default',
    reachable: true,
    error: '',
    nodes: nodes.map((n, i) => nodeCapacity(n, i)),
    snapshotAgeMs: 0,
    ...extra,
  };
}
