import { acceleratorInfo, canonicalAccelerator } from './accelerator-names';
import { GPU_RESOURCE_KEY_BY_VENDOR } from './accelerator-table';

/**
 * Node label keys that name a node's GPU model, in the order SkyPilot consults them: its own label, GKE, EKS
 * Karpenter, NVIDIA GPU feature discovery, CoreWeave; then AMD's device-plugin node labeller (current and
 * `beta.` prefix).
 */
export const GPU_LABEL_KEYS = [
  'skypilot.co/accelerator',
  'cloud.google.com/gke-accelerator',
  'karpenter.k8s.aws/instance-gpu-name',
  'nvidia.com/gpu.product',
  'gpu.nvidia.com/class',
  'amd.com/gpu.product-name',
  'beta.amd.com/gpu.product-name',
] as const;

/** Extended resources that count GPUs on a node. */
export const GPU_RESOURCE_KEYS = ['nvidia.com/gpu', 'amd.com/gpu'] as const;
export type GpuResourceKey = (typeof GPU_RESOURCE_KEYS)[number];

/**
 * Which extended resource counts a node's GPUs: its model's vendor key when the node has that capacity (an AMD
 * model is counted under `amd.com/gpu` even if some other plugin also advertises `nvidia.com/gpu`), otherwise the
 * first vendor key with non-zero capacity; empty when the node has none.
 */
export function gpuResourceKeyOf(resources: Readonly<Record<string, string>> | undefined, model?: string): GpuResourceKey | '' {
  const has = (key: GpuResourceKey) => {
    const v = resources?.[key];
    return v !== undefined && v !== '0';
  };
  const vendor = model ? acceleratorInfo(model)?.vendor : undefined;
  const own = vendor === 'nvidia' || vendor === 'amd' ? GPU_RESOURCE_KEY_BY_VENDOR[vendor] : undefined;
  if (own && has(own)) return own;
  return GPU_RESOURCE_KEYS.find(has) ?? '';
}

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
