import { canonicalAccelerator, defaultCatalog, isCloudName } from '@skyport/catalog';
import type { AcceleratorRequest, ResourceRequest } from '../types/task-spec.types';
import { isKubernetesInstanceType, parseKubernetesInstanceType } from './kubernetes-instance-type';
import { formatNumber } from './quantity';

/**
 * Scheduling jobs that share a cluster (SkyPilot's job queue). A job holds its demand on every node while it runs;
 * a queued job starts when its demand fits what the running ones leave free.
 *
 * SkyPilot's rules, kept: a job that names no CPUs holds 0.5 CPU per node (its DEFAULT_TASK_CPU_DEMAND: two
 * jobs per vCPU); accelerators are held as named, fractions included (`--gpus A100:0.5` shares a GPU); of several
 * resource choices the first that fits the cluster's nodes is used (`check_resources_fit_cluster`).
 * Skyport's addition: `cpus` and `memory` an exec'd job names (`exec --cpus 2`, or its task file) are held too —
 * SkyPilot schedules only its 0.5 CPU and the accelerators ("custom CPU and memory are not supported yet" in its
 * code), and Skyport lets `--cpus` reserve part of the cluster. A job that names no memory holds none.
 * A launch's job is scheduled exactly as SkyPilot does: its `cpus` and `memory` chose the size of the nodes, not
 * a share of them, so it holds 0.5 CPU and its accelerators, and `exec` jobs run beside it while they fit.
 */
export const DEFAULT_JOB_CPU_DEMAND = 0.5;

/** What one node of a cluster offers its jobs: the pod's requests, or the VM type's. */
export interface NodeResources {
  cpus: number;
  memoryGb: number;
  accelerator?: AcceleratorRequest;
}

/** What a job holds on each node while it runs. */
export interface JobDemand {
  cpus: number;
  memoryGb: number;
  accelerator?: AcceleratorRequest;
}

/** A job already holding resources, with the GPU devices it was given (indices on each node). */
export interface HeldDemand {
  demand: JobDemand;
  devices: number[];
}

// Sums of fractions (0.1 + 0.2) must not tip a fit over.
const EPSILON = 1e-9;

/** The per-node resources of a placed cluster, from its instance type; undefined when they cannot be known. */
export function nodeResourcesOf(cluster: { infra?: string | null; instanceType?: string | null }): NodeResources | undefined {
  const type = cluster.instanceType?.trim();
  if (!type) return undefined;
  if (isKubernetesInstanceType(type)) return parseKubernetesInstanceType(type);
  const cloud = (cluster.infra ?? '').split('/')[0];
  if (!isCloudName(cloud)) return undefined;
  const offering = defaultCatalog().find({ cloud, instanceType: type })[0];
  if (!offering) return undefined;
  return {
    cpus: offering.vcpus,
    memoryGb: offering.memoryGib,
    ...(offering.acceleratorName && offering.acceleratorCount > 0 ? { accelerator: { name: offering.acceleratorName, count: offering.acceleratorCount } } : {}),
  };
}

/** `launch`: the job of a launch (its cpus and memory sized the nodes; see above). */
export interface DemandOptions {
  launch?: boolean;
}

function demandOfChoice(r: Partial<ResourceRequest> | undefined, options: DemandOptions): JobDemand {
  const named = !options.launch;
  const cpus = named && typeof r?.cpus?.value === 'number' && r.cpus.value > 0 ? r.cpus.value : DEFAULT_JOB_CPU_DEMAND;
  const memoryGb = named && typeof r?.memory?.value === 'number' && r.memory.value > 0 ? r.memory.value : 0;
  const acc = r?.accelerator;
  return { cpus, memoryGb, ...(acc && typeof acc.count === 'number' && acc.count > 0 ? { accelerator: { name: acc.name, count: acc.count } } : {}) };
}

/**
 * A job's demand per node, from its task (after the command-line overrides). With several resource choices,
 * the first whose demand a node of the cluster can hold at all; the first when none can (or the node is unknown).
 */
export function jobDemandOf(task: { resources?: Array<Partial<ResourceRequest>> } | null | undefined, node?: NodeResources, options: DemandOptions = {}): JobDemand {
  const choices = Array.isArray(task?.resources) && task.resources.length > 0 ? task.resources.map((r) => demandOfChoice(r, options)) : [demandOfChoice(undefined, options)];
  if (node) return choices.find((d) => neverFitsReason(d, node) === undefined) ?? choices[0]!;
  return choices[0]!;
}

function sameAccelerator(a: string, b: string): boolean {
  const canon = (n: string) => (canonicalAccelerator(n) ?? n).toLowerCase();
  return canon(a) === canon(b);
}

/** Why the job can never run on such a node, even alone (names what it asks and what a node has); undefined if it can. */
export function neverFitsReason(demand: JobDemand, node: NodeResources): string | undefined {
  if (demand.cpus > node.cpus + EPSILON) return `it needs ${formatNumber(demand.cpus)} CPUs per node and a node of the cluster has ${formatNumber(node.cpus)}`;
  if (demand.memoryGb > node.memoryGb + EPSILON) {
    return `it needs ${formatNumber(demand.memoryGb)} GB of memory per node and a node of the cluster has ${formatNumber(node.memoryGb)} GB`;
  }
  const acc = demand.accelerator;
  if (acc) {
    const has = node.accelerator;
    if (!has || !sameAccelerator(has.name, acc.name)) {
      return `it needs ${acc.name}:${formatNumber(acc.count)} per node and the cluster's nodes have ${has ? `${has.name}:${formatNumber(has.count)}` : 'no accelerators'}`;
    }
    if (acc.count > has.count + EPSILON) return `it needs ${acc.name}:${formatNumber(acc.count)} per node and a node of the cluster has ${formatNumber(has.count)}`;
  }
  return undefined;
}

/**
 * Whether a job fits beside the ones holding resources, and on which GPU devices: a fraction shares the first
 * device with room for it (as Ray packs fractional GPUs), a whole count takes that many free devices.
 * Undefined when it does not fit now.
 */
export function placeJob(demand: JobDemand, node: NodeResources, held: readonly HeldDemand[]): { devices: number[] } | undefined {
  const cpus = held.reduce((s, h) => s + h.demand.cpus, 0);
  const memory = held.reduce((s, h) => s + h.demand.memoryGb, 0);
  if (cpus + demand.cpus > node.cpus + EPSILON || memory + demand.memoryGb > node.memoryGb + EPSILON) return undefined;
  const want = demand.accelerator?.count ?? 0;
  if (want <= 0) return { devices: [] };
  const total = Math.floor(node.accelerator?.count ?? 0);
  const used = Array.from({ length: total }, () => 0);
  for (const h of held) {
    const count = h.demand.accelerator?.count ?? 0;
    // A whole-GPU holder takes each of its devices fully; a fraction takes its share of its one device.
    for (const d of h.devices) if (d < total) used[d] += count < 1 ? count : 1;
  }
  if (want < 1) {
    const device = used.findIndex((u) => u + want <= 1 + EPSILON);
    return device >= 0 ? { devices: [device] } : undefined;
  }
  const free = used.flatMap((u, d) => (u <= EPSILON ? [d] : []));
  const needed = Math.ceil(want - EPSILON);
  return free.length >= needed ? { devices: free.slice(0, needed) } : undefined;
}

/** SkyPilot's RESOURCES column form: `1x[CPU:0.5]`, `2x[CPU:2, Mem:8GB, A100:1]`. */
export function formatJobDemand(demand: JobDemand, numNodes: number): string {
  const parts = [`CPU:${formatNumber(demand.cpus)}`];
  if (demand.memoryGb > 0) parts.push(`Mem:${formatNumber(demand.memoryGb)}GB`);
  if (demand.accelerator) parts.push(`${demand.accelerator.name}:${formatNumber(demand.accelerator.count)}`);
  return `${Math.max(1, numNodes)}x[${parts.join(', ')}]`;
}
