import { canonicalAccelerator } from './accelerator-names';

/**
 * Node label keys that name a node's GPU model, in the order SkyPilot consults them: its own label, GKE, EKS
 * Karpenter, NVIDIA GPU feature discovery, CoreWeave.
 */
export const GPU_LABEL_KEYS = [
  'skypilot.co/accelerator',
  'cloud.google.com/gke-accelerator',
  'karpenter.k8s.aws/instance-gpu-name',
  'nvidia.com/gpu.product',
  'gpu.nvidia.com/class',
] as const;

/** Extended resources that count GPUs on a node. */
export const GPU_RESOURCE_KEYS = ['nvidia.com/gpu', 'amd.com/gpu'] as const;

export interface NodeGpuLabel {
  /** Canonical name, or undefined when the label value names no accelerator we know. */
  name?: string;
  key: string;
  value: string;
}

/**
 * The GPU model a node's labels name. The first recognised label wins; when labels exist but none is recognised,
 * the first one is returned with `name` undefined so that `check` can report the unknown value.
 */
export function gpuFromNodeLabels(labels: Readonly<Record<string, string>> | undefined): NodeGpuLabel | undefined {
  if (!labels) return undefined;
  let unknown: NodeGpuLabel | undefined;
  for (const key of GPU_LABEL_KEYS) {
    const value = labels[key];
    if (!value) continue;
    const name = canonicalAccelerator(value);
    if (name) return { name, key, value };
    unknown ??= { key, value };
  }
  return unknown;
}
