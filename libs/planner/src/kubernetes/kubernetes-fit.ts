import { acceleratorInfo, canonicalAccelerator, gpuFromNodeLabels } from '@skyport/catalog';
import type { ProvisionerRpc } from '@skyport/contracts';
import type { PodShape } from './pod-shape';

const GIB = 1024 ** 3;

export interface FitResult {
  feasible: boolean;
  /** Set when infeasible: why, without the context prefix. */
  detail?: string;
  /** Feasible only because the autoscaler could add a node of an existing shape. */
  viaAutoscaler?: boolean;
}

// A snapshot is planned against many times (every resource choice, every plan until the next snapshot), so each
// node's model is resolved once per node object.
const modelCache = new WeakMap<ProvisionerRpc.NodeCapacity, { name?: string; raw?: string }>();

/** The canonical GPU model of a node (from the provisioner's `gpu_model`, else its labels), or the raw value. */
export function nodeGpuModel(node: ProvisionerRpc.NodeCapacity): { name?: string; raw?: string } {
  let model = modelCache.get(node);
  if (!model) {
    model = resolveNodeGpuModel(node);
    modelCache.set(node, model);
  }
  return model;
}

function resolveNodeGpuModel(node: ProvisionerRpc.NodeCapacity): { name?: string; raw?: string } {
  if (node.gpuModel) {
    const name = canonicalAccelerator(node.gpuModel);
    if (name) return { name, raw: node.gpuModel };
  }
  const fromLabels = gpuFromNodeLabels(node.labels);
  if (fromLabels?.name) return { name: fromLabels.name, raw: fromLabels.value };
  return { raw: node.gpuModel || fromLabels?.value };
}

function isGpuTaintKey(key: string): boolean {
  return key === 'nvidia.com/gpu' || key === 'amd.com/gpu' || key.includes('gpu');
}

/** GPU nodes are commonly tainted so that only GPU pods land there; Skyport's GPU pods tolerate those taints. */
function taintedAgainst(node: ProvisionerRpc.NodeCapacity, gpuTask: boolean): boolean {
  return node.taints.some(
    (t) => (t.effect === 'NoSchedule' || t.effect === 'NoExecute') && !(gpuTask && isGpuTaintKey(t.key)),
  );
}

function cpuText(milli: number): string {
  const v = milli / 1000;
  return Number.isInteger(v) ? String(v) : v.toFixed(1);
}

function gbText(bytes: number): string {
  const v = bytes / GIB;
  return Number.isInteger(v) ? String(v) : v.toFixed(1);
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * Whether `numNodes` pods of `shape` fit on the context's nodes now, all of them (multi-node is all-or-nothing).
 * Pods are identical, so the number a node holds is the minimum over CPU, memory and GPUs of free ÷ requested,
 * and the context holds the sum over nodes: exact for identical items, no search needed.
 */
export function fitOnContext(
  ctx: ProvisionerRpc.ContextCapacity,
  shape: PodShape,
  numNodes: number,
  autoscaler: boolean,
): FitResult {
  const cpuMilli = Math.ceil(shape.cpus * 1000);
  const memBytes = Math.ceil(shape.memoryGb * GIB);
  const gpus = shape.accelerator?.count ?? 0;
  const wanted = shape.accelerator ? (canonicalAccelerator(shape.accelerator.name) ?? shape.accelerator.name) : undefined;
  if (gpus > 0 && !Number.isInteger(gpus)) {
    return { feasible: false, detail: `Kubernetes cannot share a GPU; the task asks for ${wanted}:${gpus}` };
  }
  const wantedKey = wanted && acceleratorInfo(wanted)?.vendor === 'amd' ? 'amd.com/gpu' : 'nvidia.com/gpu';
  if (ctx.nodes.length === 0) return { feasible: false, detail: 'the context has no nodes' };

  let placeable = 0;
  let usable = 0;
  let notReady = 0;
  let tainted = 0;
  let matching = 0;
  let maxGpuFree = 0;
  let maxGpuAllocatable = 0;
  let maxCpuFree = 0;
  let maxMemFree = 0;
  let cpuAndMemFit = false;
  let growable = false;
  const models = new Set<string>();
  const unknownModels = new Set<string>();

  for (const node of ctx.nodes) {
    if (!node.ready || !node.schedulable) {
      notReady++;
      continue;
    }
    if (taintedAgainst(node, gpus > 0)) {
      tainted++;
      continue;
    }
    usable++;
    let fit = Number.POSITIVE_INFINITY;
    if (gpus > 0) {
      if (node.gpuAllocatable <= 0) continue;
      const model = nodeGpuModel(node);
      if (!model.name) {
        if (model.raw) unknownModels.add(model.raw);
        continue;
      }
      models.add(model.name);
      if (model.name !== wanted) continue;
      if (node.gpuResourceKey && node.gpuResourceKey !== wantedKey) continue;
      matching++;
      maxGpuFree = Math.max(maxGpuFree, node.gpuFree);
      maxGpuAllocatable = Math.max(maxGpuAllocatable, node.gpuAllocatable);
      fit = Math.floor(node.gpuFree / gpus);
    }
    maxCpuFree = Math.max(maxCpuFree, node.cpuFreeMilli);
    maxMemFree = Math.max(maxMemFree, node.memoryFreeBytes);
    if (node.cpuFreeMilli >= cpuMilli && node.memoryFreeBytes >= memBytes) cpuAndMemFit = true;
    if (node.cpuAllocatableMilli >= cpuMilli && node.memoryAllocatableBytes >= memBytes && node.gpuAllocatable >= gpus) {
      growable = true;
    }
    fit = Math.min(fit, Math.floor(node.cpuFreeMilli / cpuMilli), Math.floor(node.memoryFreeBytes / memBytes));
    placeable += fit;
    if (placeable >= numNodes) return { feasible: true };
  }

  if (autoscaler && growable) return { feasible: true, viaAutoscaler: true };

  let detail: string;
  if (usable === 0) {
    detail = notReady > 0 && tainted === 0
      ? `no ready, schedulable node (${plural(notReady, 'node')} not ready or cordoned)`
      : `no node the task may use (${plural(notReady, 'node')} not ready or cordoned, ${plural(tainted, 'node')} with taints the task does not tolerate)`;
  } else if (gpus > 0 && matching === 0) {
    const seen = [...models].sort();
    detail = seen.length > 0 ? `no ${wanted} nodes (GPUs here: ${seen.join(', ')})` : `no GPU nodes with ${wanted}`;
    if (unknownModels.size > 0) {
      detail += `; unrecognised GPU label values: ${[...unknownModels].slice(0, 3).map((m) => `'${m}'`).join(', ')} (label nodes with skypilot.co/accelerator=<name>)`;
    }
  } else if (gpus > 0 && maxGpuAllocatable < gpus) {
    detail = `the largest ${wanted} node has ${maxGpuAllocatable} GPUs; the task needs ${gpus}`;
  } else if (gpus > 0 && maxGpuFree < gpus) {
    detail = maxGpuFree === 0
      ? `no free ${wanted} GPUs; the task needs ${gpus}`
      : `largest free GPU block is ${maxGpuFree}× ${wanted}; the task needs ${gpus}`;
  } else if (maxCpuFree < cpuMilli) {
    detail = `largest free CPU on a node is ${cpuText(maxCpuFree)} vCPUs; the task needs ${cpuText(cpuMilli)}`;
  } else if (maxMemFree < memBytes) {
    detail = `largest free memory on a node is ${gbText(maxMemFree)} GB; the task needs ${gbText(memBytes)}`;
  } else if (!cpuAndMemFit || placeable === 0) {
    detail = `no node has ${cpuText(cpuMilli)} vCPUs and ${gbText(memBytes)} GB${gpus > 0 ? ` and ${gpus}× ${wanted}` : ''} free at once`;
  } else {
    detail = `room for ${placeable} of the ${numNodes} pods now; multi-node tasks start all-or-nothing`;
  }
  if (autoscaler && !growable) detail += '; no existing node shape could hold it, so the autoscaler cannot help';
  return { feasible: false, detail };
}
