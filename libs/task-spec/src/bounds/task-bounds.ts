import type { TaskProblem, TaskSpec } from '../types/task-spec.types';

/**
 * Every limit a task must respect, in one place: the api answers 400 naming the bound, and `skyport validate`
 * reports the same offline. Generous for real work, small enough that one request cannot hold the shared
 * provisioning slots, exhaust memory on a deep or long document, or ask Kubernetes for a million pods.
 */
export interface TaskBounds {
  /** Nesting of maps and lists in the task document (pod_config included). */
  maxDepth: number;
  /** Characters in any one string (run and setup scripts included). */
  maxStringLength: number;
  /** Characters in any one mapping key. */
  maxKeyLength: number;
  /** Items in any one list, entries in any one mapping. */
  maxListLength: number;
  numNodes: number;
  /** Per node. */
  cpus: number;
  /** Per node, GB. */
  memoryGb: number;
  /** Accelerators per node. */
  accelerators: number;
  diskSizeGb: number;
  /** Ports exposed (a range counts each port). */
  ports: number;
  envs: number;
  secrets: number;
  fileMounts: number;
  volumes: number;
  /** `any_of`/`ordered` choices after expansion. */
  resourceChoices: number;
  labels: number;
  /** Characters in one env or secret value (Linux refuses a longer single argument/env string). */
  envValueLength: number;
  /** `autostop` idle minutes (a year). */
  autostopMinutes: number;
  /** `config.kubernetes.provision_timeout`, seconds (the admin's policy caps it lower). */
  provisionTimeoutSeconds: number;
}

export const DEFAULT_TASK_BOUNDS: Readonly<TaskBounds> = Object.freeze({
  maxDepth: 32,
  maxStringLength: 256 * 1024,
  maxKeyLength: 1024,
  maxListLength: 1000,
  numNodes: 512,
  cpus: 1024,
  memoryGb: 16 * 1024,
  accelerators: 64,
  diskSizeGb: 64 * 1024,
  ports: 100,
  envs: 1000,
  secrets: 1000,
  fileMounts: 1000,
  volumes: 100,
  resourceChoices: 64,
  labels: 64,
  envValueLength: 128 * 1024,
  autostopMinutes: 525_600,
  provisionTimeoutSeconds: 86_400,
});

/**
 * The most nodes any server may allow (the ceiling of `policy.max_num_nodes`). A client that talks to a server
 * parses with this num_nodes bound and lets the server apply its admin's limit; `skyport validate` keeps 512.
 */
export const NUM_NODES_CEILING = 100_000;

/** The snake_case name a bound is reported under (what an admin or a reader of the docs looks for). */
const BOUND_NAMES: Record<keyof TaskBounds, string> = {
  maxDepth: 'max_depth',
  maxStringLength: 'max_string_length',
  maxKeyLength: 'max_key_length',
  maxListLength: 'max_list_length',
  numNodes: 'num_nodes',
  cpus: 'cpus',
  memoryGb: 'memory_gb',
  accelerators: 'accelerators',
  diskSizeGb: 'disk_size_gb',
  ports: 'ports',
  envs: 'envs',
  secrets: 'secrets',
  fileMounts: 'file_mounts',
  volumes: 'volumes',
  resourceChoices: 'resource_choices',
  labels: 'labels',
  envValueLength: 'env_value_length',
  autostopMinutes: 'autostop_minutes',
  provisionTimeoutSeconds: 'provision_timeout',
};

export function resolveBounds(overrides?: Partial<TaskBounds>): TaskBounds {
  return { ...DEFAULT_TASK_BOUNDS, ...(overrides ?? {}) };
}

function over(path: string, value: number | string, bound: keyof TaskBounds, limit: number, unit = ''): TaskProblem {
  const hint = bound === 'numNodes' ? '; a server admin may change it with policy.max_num_nodes' : '';
  return { path, message: `${value}${unit} is above the limit of ${limit}${unit} (bound ${BOUND_NAMES[bound]} ≤ ${limit}${hint})` };
}

/**
 * Size and shape of the document as written, before anything recurses into it: depth, string, key and list
 * lengths. Iterative and stops at the depth bound, so a 200k-deep document costs nothing to refuse.
 */
export function documentBoundProblems(value: unknown, overrides?: Partial<TaskBounds>): TaskProblem[] {
  const b = resolveBounds(overrides);
  const problems: TaskProblem[] = [];
  const stack: Array<{ v: unknown; path: string; depth: number }> = [{ v: value, path: '', depth: 0 }];
  const join = (path: string, key: string | number) => (typeof key === 'number' ? `${path}[${key}]` : path ? `${path}.${key}` : key);
  let depthReported = false;
  for (let item = stack.pop(); item && problems.length < 20; item = stack.pop()) {
    const { v, path, depth } = item;
    if (typeof v === 'string') {
      if (v.length > b.maxStringLength) problems.push({ path, message: `a string of ${v.length} characters is above the limit of ${b.maxStringLength} (bound ${BOUND_NAMES.maxStringLength})` });
      continue;
    }
    if (typeof v !== 'object' || v === null) continue;
    if (depth >= b.maxDepth) {
      if (!depthReported) problems.push({ path, message: `the document is nested more than ${b.maxDepth} levels deep (bound ${BOUND_NAMES.maxDepth} ≤ ${b.maxDepth})` });
      depthReported = true;
      continue;
    }
    const entries: Array<[string | number, unknown]> = Array.isArray(v) ? v.map((x, i) => [i, x]) : Object.entries(v);
    if (entries.length > b.maxListLength) {
      problems.push({ path, message: `${entries.length} ${Array.isArray(v) ? 'items' : 'keys'} is above the limit of ${b.maxListLength} (bound ${BOUND_NAMES.maxListLength})` });
      continue;
    }
    for (const [k, x] of entries) {
      if (typeof k === 'string' && k.length > b.maxKeyLength) {
        problems.push({ path, message: `a key of ${k.length} characters is above the limit of ${b.maxKeyLength} (bound ${BOUND_NAMES.maxKeyLength})` });
        continue;
      }
      stack.push({ v: x, path: join(path, k), depth: depth + 1 });
    }
  }
  return problems;
}

/** The limits on what the normalised task asks for (after overrides, so `--num-nodes` cannot go around them). */
export function taskBoundProblems(task: TaskSpec, overrides?: Partial<TaskBounds>): TaskProblem[] {
  const b = resolveBounds(overrides);
  const p: TaskProblem[] = [];
  if (task.numNodes > b.numNodes) p.push(over('num_nodes', task.numNodes, 'numNodes', b.numNodes));
  if (task.resources.length > b.resourceChoices) p.push(over('resources', task.resources.length, 'resourceChoices', b.resourceChoices, ' choices'));
  const seen = new Set<string>();
  const once = (problem: TaskProblem) => {
    const key = `${problem.path}|${problem.message}`;
    if (!seen.has(key)) p.push(problem);
    seen.add(key);
  };
  for (const r of task.resources) {
    if (r.cpus && r.cpus.value > b.cpus) once(over('resources.cpus', r.cpus.value, 'cpus', b.cpus));
    if (r.memory && r.memory.value > b.memoryGb) once(over('resources.memory', r.memory.value, 'memoryGb', b.memoryGb, ' GB'));
    if (r.accelerator && r.accelerator.count > b.accelerators) once(over('resources.accelerators', r.accelerator.count, 'accelerators', b.accelerators));
    if (r.diskSizeGb !== undefined && r.diskSizeGb > b.diskSizeGb) once(over('resources.disk_size', r.diskSizeGb, 'diskSizeGb', b.diskSizeGb, ' GB'));
    const ports = r.ports.reduce((n, range) => n + Math.max(0, range.to - range.from + 1), 0);
    if (ports > b.ports) once(over('resources.ports', ports, 'ports', b.ports, ' ports'));
    if (Object.keys(r.labels).length > b.labels) once(over('resources.labels', Object.keys(r.labels).length, 'labels', b.labels, ' labels'));
    if (r.autostop && r.autostop.idleMinutes > b.autostopMinutes) once(over('resources.autostop', r.autostop.idleMinutes, 'autostopMinutes', b.autostopMinutes, ' min'));
  }
  const count = (path: string, n: number, bound: keyof TaskBounds) => {
    if (n > b[bound]) p.push(over(path, n, bound, b[bound], ' entries'));
  };
  count('envs', Object.keys(task.envs).length, 'envs');
  count('secrets', Object.keys(task.secrets).length, 'secrets');
  count('file_mounts', task.fileMounts.length, 'fileMounts');
  count('volumes', Object.keys(task.volumes).length, 'volumes');
  for (const [kind, map] of [['envs', task.envs], ['secrets', task.secrets]] as const) {
    for (const [k, v] of Object.entries(map)) {
      if (typeof v === 'string' && v.length > b.envValueLength) p.push(over(`${kind}.${k}`, v.length, 'envValueLength', b.envValueLength, ' characters'));
    }
  }
  const timeout = task.config.kubernetes?.provisionTimeout;
  if (typeof timeout === 'number' && timeout > b.provisionTimeoutSeconds) {
    p.push(over('config.kubernetes.provision_timeout', timeout, 'provisionTimeoutSeconds', b.provisionTimeoutSeconds, ' s'));
  }
  return p;
}
