import { GPU_RESOURCE_KEYS, canonicalAccelerator, gpuFromNodeLabels } from '@skyport/catalog';

export type GpuResourceKey = (typeof GPU_RESOURCE_KEYS)[number];

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
  const label = gpuFromNodeLabels(labels);
  if (!label) return { resourceKey, labelKey: '', labelValue: '', model: '' };
  return { resourceKey, labelKey: label.key, labelValue: label.value, model: label.name ?? label.value };
}

/** Whether a node's model satisfies a requested accelerator name (both canonicalised, case-insensitive). */
export function gpuModelMatches(nodeModel: string, wanted: string): boolean {
  if (!nodeModel || !wanted) return false;
  const a = canonicalAccelerator(nodeModel) ?? nodeModel;
  const b = canonicalAccelerator(wanted) ?? wanted;
  return a.toLowerCase() === b.toLowerCase();
}
