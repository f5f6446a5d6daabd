import type { LaunchDemand } from '@skyport/contracts';
import { kubernetesInstanceTypeFor, type TaskSpec } from '@skyport/task-spec';

export interface Quota {
  maxCpus: number | null;
  maxMemoryGb: number | null;
  /** By accelerator name; `*` limits all GPUs together. */
  maxGpus: Record<string, number> | null;
  maxClusters: number | null;
}

export const ZERO_DEMAND: LaunchDemand = { cpus: 0, memoryGb: 0, gpus: {}, clusters: 0 };

/**
 * The demand of a task: every node gets the pod shape of its first resource choice (SkyPilot's defaults when the
 * task does not say), times the number of nodes. The first choice is what the planner prefers; counting it keeps
 * the quota predictable for people reading it.
 */
export function taskDemand(task: TaskSpec): LaunchDemand {
  const shape = kubernetesInstanceTypeFor(task.resources[0] ?? {});
  const nodes = Math.max(1, task.numNodes || 1);
  const gpus: Record<string, number> = {};
  if (shape.accelerator && shape.accelerator.count > 0) gpus[shape.accelerator.name] = shape.accelerator.count * nodes;
  return { cpus: shape.cpus * nodes, memoryGb: shape.memoryGb * nodes, gpus, clusters: 1 };
}

export function addDemand(a: LaunchDemand, b: LaunchDemand): LaunchDemand {
  const gpus = { ...a.gpus };
  for (const [k, v] of Object.entries(b.gpus)) gpus[k] = (gpus[k] ?? 0) + v;
  return { cpus: a.cpus + b.cpus, memoryGb: a.memoryGb + b.memoryGb, gpus, clusters: a.clusters + b.clusters };
}

export function readDemand(raw: unknown): LaunchDemand {
  const d = (raw ?? {}) as Partial<LaunchDemand>;
  return { cpus: Number(d.cpus ?? 0), memoryGb: Number(d.memoryGb ?? 0), gpus: { ...(d.gpus ?? {}) }, clusters: Number(d.clusters ?? 0) };
}

function totalGpus(d: LaunchDemand): number {
  return Object.values(d.gpus).reduce((s, v) => s + v, 0);
}

/** Null when `used + asked` fits the quota, else the first limit it would break, in words. */
export function quotaProblem(quota: Quota | null, used: LaunchDemand, asked: LaunchDemand): string | null {
  if (!quota) return null;
  const next = addDemand(used, asked);
  const fmt = (n: number): string => String(Math.round(n * 100) / 100);
  if (quota.maxClusters !== null && next.clusters > quota.maxClusters) return `clusters: ${fmt(used.clusters)} live + ${fmt(asked.clusters)} > ${fmt(quota.maxClusters)} allowed`;
  if (quota.maxCpus !== null && next.cpus > quota.maxCpus) return `CPUs: ${fmt(used.cpus)} in use + ${fmt(asked.cpus)} asked > ${fmt(quota.maxCpus)} allowed`;
  if (quota.maxMemoryGb !== null && next.memoryGb > quota.maxMemoryGb) return `memory: ${fmt(used.memoryGb)} GB in use + ${fmt(asked.memoryGb)} GB asked > ${fmt(quota.maxMemoryGb)} GB allowed`;
  for (const [name, limit] of Object.entries(quota.maxGpus ?? {})) {
    if (name === '*') {
      if (totalGpus(next) > limit) return `GPUs: ${fmt(totalGpus(used))} in use + ${fmt(totalGpus(asked))} asked > ${fmt(limit)} allowed`;
    } else if ((next.gpus[name] ?? 0) > limit) {
      return `${name} GPUs: ${fmt(used.gpus[name] ?? 0)} in use + ${fmt(asked.gpus[name] ?? 0)} asked > ${fmt(limit)} allowed`;
    }
  }
  return null;
}
