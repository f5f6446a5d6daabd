import type { OptimizerRpc, ProvisionerRpc } from '@skyport/contracts';

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

/** A plan candidate for tests of plan ordering: $0, one small node; `kubernetes` candidates are named by context. */
export function planCandidate(provider: string, region: string, feasible: boolean, extra: Partial<OptimizerRpc.Candidate> = {}): OptimizerRpc.Candidate {
  const instanceType = extra.instanceType ?? 'x';
  return {
    candidateId: provider === 'kubernetes' ? `kubernetes/${region}` : `${provider}/${region}/${instanceType}`,
    provider,
    region,
    zone: '',
    instanceType,
    vcpus: 1,
    memoryGb: 1,
    acceleratorName: '',
    acceleratorCount: 0,
    hourlyPrice: 0,
    totalHourlyPrice: 0,
    useSpot: false,
    feasible,
    reason: '',
    namespace: '',
    ...extra,
  };
}
