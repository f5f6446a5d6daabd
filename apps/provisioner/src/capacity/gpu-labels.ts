import { canonicalAccelerator } from '@skyport/catalog';

/** Extended resource names of GPUs, by vendor. */
export const GPU_RESOURCE_KEYS = ['nvidia.com/gpu', 'amd.com/gpu'] as const;
export type GpuResourceKey = (typeof GPU_RESOURCE_KEYS)[number];

/**
 * Node labels that name the GPU model, most specific first: SkyPilot's own, GKE, Karpenter (EKS), NVIDIA GPU
 * feature discovery, CoreWeave-style class. A pod asking for a model gets a required node affinity on the label
 * format that its cluster's nodes actually carry.
 */
export const GPU_LABEL_KEYS = [
  'skypilot.co/accelerator',
  'cloud.google.com/gke-accelerator',
  'karpenter.k8s.aws/instance-gpu-name',
  'nvidia.com/gpu.product',
  'gpu.nvidia.com/class',
] as const;

export interface NodeGpuInfo {
  resourceKey: GpuResourceKey | '';
  labelKey: string;
  labelValue: string;
  /** Canonical name when the resolver knows the label value, else the value as written. */
  model: string;
}

/** Which GPU resource a node offers (the first vendor key with non-zero capacity). */
export function gpuResourceKeyOf(resources: Record<string, string> | undefined): GpuResourceKey | '' {
  for (const key of GPU_RESOURCE_KEYS) {
    const v = resources?.[key];
    if (v !== undefined && v !== '0') return key;
  }
  return '';
}

export function gpuInfoOf(labels: Record<string, string> | undefined, capacity: Record<string, string> | undefined): NodeGpuInfo {
  const resourceKey = gpuResourceKeyOf(capacity);
  for (const labelKey of GPU_LABEL_KEYS) {
    const labelValue = labels?.[labelKey];
    if (labelValue) return { resourceKey, labelKey, labelValue, model: canonicalAccelerator(labelValue) ?? labelValue };
  }
  return { resourceKey, labelKey: '', labelValue: '', model: '' };
}

/** Whether a node's model satisfies a requested accelerator name (both canonicalised, case-insensitive). */
export function gpuModelMatches(nodeModel: string, wanted: string): boolean {
  if (!nodeModel || !wanted) return false;
  const a = canonicalAccelerator(nodeModel) ?? nodeModel;
  const b = canonicalAccelerator(wanted) ?? wanted;
  return a.toLowerCase() === b.toLowerCase();
}
