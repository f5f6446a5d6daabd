import { canonicalAccelerator, gpuFromNodeLabels, gpuResourceKeyOf, type GpuResourceKey } from '@skyport/catalog';

export interface NodeGpuInfo {
  resourceKey: GpuResourceKey | '';
  labelKey: string;
  labelValue: string;
  /** Canonical name when the resolver knows the label value, else the value as written. */
  model: string;
}

/** A node's GPUs: the model its labels name, counted under that model's vendor resource (`amd.com/gpu` for AMD). */
export function gpuInfoOf(labels: Record<string, string> | undefined, capacity: Record<string, string> | undefined): NodeGpuInfo {
  const label = gpuFromNodeLabels(labels);
  const resourceKey = gpuResourceKeyOf(capacity, label?.name);
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
