import { GPU_LABEL_KEYS } from '@skyport/catalog';
import type { ProvisionerRpc } from '@skyport/contracts';
import { nodeGpuModel } from '../kubernetes/kubernetes-fit';

export interface GpuModelCount {
  /** Canonical accelerator name. */
  gpu: string;
  nodes: number;
  total: number;
  /** Free GPUs on ready, schedulable nodes. */
  free: number;
  /** The most free GPUs on one node: the largest request that fits now. */
  largestFreeBlock: number;
}

export interface GpuLabelProblem {
  node: string;
  /** Empty when the node has GPUs but no label names their model. */
  key: string;
  value: string;
}

/** The GPU part of `skyport check` and `show-gpus` for one context, from the provisioner's snapshot. */
export interface GpuSupport {
  context: string;
  gpuNodes: number;
  models: GpuModelCount[];
  /** GPU nodes whose model label is missing or names no accelerator Skyport knows. */
  problems: GpuLabelProblem[];
  /** What to do about the problems (or why there are no GPUs), in plain words; empty when all is well. */
  hint: string;
}

const LABEL_HINT = `label GPU nodes with one of ${GPU_LABEL_KEYS.join(', ')} naming the model (e.g. skypilot.co/accelerator=a100-80gb)`;

/**
 * Which GPUs a context offers and which GPU nodes Skyport cannot use because their model is unknown. Tasks can
 * only be placed on GPU nodes whose model a recognised label names.
 */
export function gpuSupport(ctx: ProvisionerRpc.ContextCapacity): GpuSupport {
  const models = new Map<string, GpuModelCount>();
  const problems: GpuLabelProblem[] = [];
  let gpuNodes = 0;
  for (const node of ctx.nodes) {
    if (node.gpuAllocatable <= 0) continue;
    gpuNodes++;
    const model = nodeGpuModel(node);
    if (!model.name) {
      problems.push({ node: node.name, key: model.raw ? (node.gpuLabelKey || labelKeyOf(node, model.raw)) : '', value: model.raw ?? '' });
      continue;
    }
    const row = models.get(model.name) ?? { gpu: model.name, nodes: 0, total: 0, free: 0, largestFreeBlock: 0 };
    const free = node.ready && node.schedulable ? node.gpuFree : 0;
    row.nodes++;
    row.total += node.gpuAllocatable;
    row.free += free;
    row.largestFreeBlock = Math.max(row.largestFreeBlock, free);
    models.set(model.name, row);
  }
  let hint = '';
  if (problems.length > 0) {
    const unknown = problems.filter((p) => p.value).map((p) => `'${p.value}'`);
    hint = `${problems.length} GPU node${problems.length === 1 ? '' : 's'} cannot be used: ${
      unknown.length > 0 ? `unrecognised GPU label value${unknown.length === 1 ? '' : 's'} ${[...new Set(unknown)].join(', ')}` : 'no GPU model label'
    }; ${LABEL_HINT}`;
  } else if (gpuNodes === 0) {
    hint = 'no node has nvidia.com/gpu or amd.com/gpu capacity (is the GPU device plugin installed?)';
  }
  return { context: ctx.context, gpuNodes, models: [...models.values()].sort((a, b) => a.gpu.localeCompare(b.gpu)), problems, hint };
}

function labelKeyOf(node: ProvisionerRpc.NodeCapacity, value: string): string {
  return GPU_LABEL_KEYS.find((k) => node.labels[k] === value) ?? '';
}
