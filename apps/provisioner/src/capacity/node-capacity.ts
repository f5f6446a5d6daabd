import { cpuMillis, parseQuantity, type V1Node, type V1Pod } from '@skyport/kube';
import { gpuInfoOf } from './gpu-labels';

export interface NodeCapacityView {
  name: string;
  ready: boolean;
  schedulable: boolean;
  cpuAllocatableMilli: number;
  cpuFreeMilli: number;
  memoryAllocatableBytes: number;
  memoryFreeBytes: number;
  gpuResourceKey: string;
  gpuAllocatable: number;
  gpuFree: number;
  gpuModel: string;
  gpuLabelKey: string;
  gpuLabelValue: string;
  labels: Record<string, string>;
  taints: Array<{ key: string; value: string; effect: string }>;
}

/** A pod holds its requests on its node until it terminates. */
export function podHoldsResources(pod: V1Pod): boolean {
  const phase = pod.status?.phase;
  return Boolean(pod.spec?.nodeName) && phase !== 'Succeeded' && phase !== 'Failed';
}

/**
 * The scheduler's view of a pod's request for one resource: the larger of the sum over app containers and the
 * largest init container, plus pod overhead.
 */
export function podRequest(pod: V1Pod, resource: string): number {
  const parse = resource === 'cpu' ? (q: string | undefined) => cpuMillis(q) : (q: string | undefined) => parseQuantity(q);
  const sum = (pod.spec?.containers ?? []).reduce((acc, c) => acc + parse(c.resources?.requests?.[resource] ?? c.resources?.limits?.[resource]), 0);
  const init = (pod.spec?.initContainers ?? []).reduce(
    (acc, c) => Math.max(acc, parse(c.resources?.requests?.[resource] ?? c.resources?.limits?.[resource])),
    0,
  );
  return Math.max(sum, init) + parse(pod.spec?.overhead?.[resource]);
}

/** Free capacity of a node: allocatable minus the requests of the non-terminated pods bound to it. */
export function nodeCapacity(node: V1Node, podsOnNode: readonly V1Pod[]): NodeCapacityView {
  const alloc = node.status?.allocatable ?? node.status?.capacity ?? {};
  const gpu = gpuInfoOf(node.metadata?.labels, alloc);
  const held = podsOnNode.filter(podHoldsResources);
  const used = (r: string) => held.reduce((acc, p) => acc + podRequest(p, r), 0);
  const cpuAlloc = cpuMillis(alloc.cpu);
  const memAlloc = parseQuantity(alloc.memory);
  const gpuAlloc = gpu.resourceKey ? parseQuantity(alloc[gpu.resourceKey]) : 0;
  const ready = (node.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
  return {
    name: node.metadata?.name ?? '',
    ready,
    schedulable: !node.spec?.unschedulable,
    cpuAllocatableMilli: cpuAlloc,
    cpuFreeMilli: Math.max(0, cpuAlloc - used('cpu')),
    memoryAllocatableBytes: memAlloc,
    memoryFreeBytes: Math.max(0, memAlloc - used('memory')),
    gpuResourceKey: gpu.resourceKey,
    gpuAllocatable: gpuAlloc,
    gpuFree: gpu.resourceKey ? Math.max(0, gpuAlloc - used(gpu.resourceKey)) : 0,
    gpuModel: gpu.model,
    gpuLabelKey: gpu.labelKey,
    gpuLabelValue: gpu.labelValue,
    labels: { ...(node.metadata?.labels ?? {}) },
    taints: (node.spec?.taints ?? []).map((t) => ({ key: t.key, value: t.value ?? '', effect: t.effect })),
  };
}

/** Capacity of every node, given all pods (grouped here by node name). */
export function clusterCapacity(nodes: readonly V1Node[], pods: readonly V1Pod[]): NodeCapacityView[] {
  const byNode = new Map<string, V1Pod[]>();
  for (const p of pods) {
    const n = p.spec?.nodeName;
    if (!n) continue;
    const list = byNode.get(n) ?? [];
    list.push(p);
    byNode.set(n, list);
  }
  return nodes.map((n) => nodeCapacity(n, byNode.get(n.metadata?.name ?? '') ?? [])).sort((a, b) => a.name.localeCompare(b.name));
}

