import { normaliseEphemeralVolumes } from '../volumes/ephemeral-volumes';
import type { AcceleratorNames } from '../accelerators/accelerator-names';
import { parseAccelerators } from '../resources/accelerators';
import { parseAutostop } from '../resources/autostop';
import { parseImageId } from '../resources/image';
import { infraFromLegacy, parseInfra } from '../resources/infra';
import { isKubernetesInstanceType } from '../resources/kubernetes-instance-type';
import { checkLabelFor, checkTpuPlacement, checkZone } from '../resources/cloud-rules';
import { parsePorts } from '../resources/ports';
import { parseCpus, parseDiskSize, parseMemory } from '../resources/quantity';
import { ResourceSyntaxError } from '../resources/resource-syntax-error';
import { IGNORED_RESOURCE_KEYS, IGNORED_TOP_LEVEL_KEYS } from '../schema/unsupported-keys';
import { formatPath, type KeyPath } from '../schema/validate-schema';
import type { FileMount, ResourceRequest, TaskConfig, TaskProblem, TaskSpec } from '../types/task-spec.types';
import { checkFileMount } from './file-mounts';
import { checkDockerLogin, checkService, checkTaskName, normaliseVolumes } from './task-rules';

type Raw = Record<string, unknown>;

export interface NormaliseContext {
  names: AcceleratorNames;
  /** `extra.unsupportedKey` marks a problem as a feature Skyport deliberately does not support (yet). */
  problem(path: KeyPath, message: string, extra?: Pick<TaskProblem, 'unsupportedKey'>): void;
}

/** Runs a resource parser and records its syntax error at the key path instead of throwing. */
function attempt<T>(ctx: NormaliseContext, path: KeyPath, fn: () => T): T | undefined {
  try {
    return fn();
  } catch (error) {
    if (error instanceof ResourceSyntaxError) {
      ctx.problem(path, error.message);
      return undefined;
    }
    throw error;
  }
}

/** Env values become strings as SkyPilot does (Python's `str()`: `True`, `3`); null stays null (required). */
export function envValue(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  return String(value);
}

function envMap(value: unknown): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const [k, v] of Object.entries((value as Raw | null) ?? {})) out[k] = envValue(v);
  return out;
}

function script(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  return Array.isArray(value) ? value.join('\n') : String(value);
}

/** A schema-valid document → TaskSpec. Semantic problems are reported through ctx; the result is then discarded. */
export function normaliseTask(doc: Raw, ctx: NormaliseContext): TaskSpec {
  const ignored = new Set<string>();
  const resourcesRaw = (doc.resources as Raw | null) ?? {};
  const { resources, order } = normaliseResources(resourcesRaw, ctx, ignored);
  const fileMounts: FileMount[] = Object.entries((doc.file_mounts as Raw | null) ?? {}).map(([target, spec]) => {
    if (typeof spec === 'string') return { target, source: spec };
    const s = spec as { name?: string | null; source?: string | string[]; store?: string; mode?: string; persistent?: boolean };
    const mount: FileMount = { target };
    if (s.source !== undefined) mount.source = Array.isArray(s.source) ? s.source.join(',') : s.source;
    const storage: NonNullable<FileMount['storage']> = {};
    if (s.name !== undefined && s.name !== null) storage.name = s.name;
    if (s.store !== undefined) storage.store = s.store;
    if (s.mode !== undefined) storage.mode = s.mode;
    if (s.persistent !== undefined) storage.persistent = s.persistent;
    mount.storage = storage;
    return mount;
  });
  for (const mount of fileMounts) {
    const spec = (doc.file_mounts as Raw)[mount.target];
    checkFileMount(mount, typeof spec === 'object' && spec !== null ? (spec as Raw).source : undefined, (path, message, extra) => ctx.problem(path, message, extra));
  }
  for (const target of Object.keys((doc.file_mounts as Raw | null) ?? {})) {
    if (!target.trim()) ctx.problem(['file_mounts'], 'a file mount has an empty destination path');
  }
  const configRaw = (doc.config as Raw | null) ?? {};
  const k8s = configRaw.kubernetes as Raw | undefined;
  const config: TaskConfig = { raw: configRaw };
  if (k8s) {
    const { pod_config, provision_timeout, ...rest } = k8s;
    config.kubernetes = { ...rest };
    if (pod_config !== undefined) config.kubernetes.podConfig = pod_config as Raw;
    if (provision_timeout !== undefined) config.kubernetes.provisionTimeout = provision_timeout as number;
  }
  for (const key of IGNORED_TOP_LEVEL_KEYS) if (key !== 'service' && doc[key] !== undefined && doc[key] !== null) ignored.add(key);
  const report = (path: KeyPath, message: string): void => ctx.problem(path, message);
  checkTaskName(doc.name, report);
  // SkyPilot 0.14.1 refuses these keys with no value (it fails reading them); a key left empty is usually a slip.
  for (const key of ['envs', 'inputs', 'outputs']) {
    if (key in doc && doc[key] === null) report([key], `'${key}' has no value: give ${key === 'envs' ? 'NAME: value pairs' : 'one {path: size in GB}'} or remove the key`);
  }
  checkDockerLogin(doc.envs as Raw | null, doc.secrets, report);
  checkService(doc.service as Raw | null, report);
  if (Array.isArray(doc.secrets)) {
    ctx.problem(['secrets'], "unsupported: secrets as a list (managed secret references such as 'secrets:HF_TOKEN') are not supported by Skyport; write a mapping NAME: null and pass --secret NAME=... at launch");
  }

  const task: TaskSpec = {
    numNodes: (doc.num_nodes as number | null) ?? 1,
    resources,
    resourcesOrder: order,
    envs: envMap(doc.envs),
    secrets: envMap(Array.isArray(doc.secrets) ? null : doc.secrets),
    fileMounts,
    volumes: normaliseVolumes(doc.volumes, report),
    config,
    ignoredKeys: [],
  };
  const ephemeral = normaliseEphemeralVolumes(doc.volumes, task.numNodes, report, (key) => ignored.add(key));
  if (Object.keys(ephemeral).length > 0) task.ephemeralVolumes = ephemeral;
  task.ignoredKeys = [...ignored].sort();
  if (doc.name !== null && doc.name !== undefined) task.name = String(doc.name);
  if (typeof doc.workdir === 'string') task.workdir = doc.workdir;
  else if (doc.workdir && typeof doc.workdir === 'object') task.workdir = { ...(doc.workdir as { url: string; ref?: string }) };
  const setup = script(doc.setup);
  if (setup !== undefined) task.setup = setup;
  const run = script(doc.run);
  if (run !== undefined) task.run = run;
  if (doc.service !== null && doc.service !== undefined) task.service = doc.service as Raw;

  // A name in both: the secret wins, as in SkyPilot (`Task.envs_and_secrets` lays secrets over envs), so the env's
  // value is never used; it is dropped here (one variable, kept secret) and reported as accepted but unused.
  const shadowed = Object.keys(task.envs).filter((name) => name in task.secrets);
  for (const name of shadowed) delete task.envs[name];
  if (shadowed.length) task.ignoredKeys = [...task.ignoredKeys, ...shadowed.map((name) => `envs.${name}`)].sort();
  return task;
}

function normaliseResources(raw: Raw, ctx: NormaliseContext, ignored: Set<string>): { resources: ResourceRequest[]; order: 'any' | 'ordered' } {
  const { any_of: anyOfRaw, ordered: orderedRaw, ...base } = raw as Raw & { any_of?: Raw[] | null; ordered?: Raw[] | null };
  // An empty or absent list of choices means no choices, as in SkyPilot.
  const anyOf = anyOfRaw?.length ? anyOfRaw : undefined;
  const ordered = orderedRaw?.length ? orderedRaw : undefined;
  if (anyOf && ordered) {
    ctx.problem(['resources', 'ordered'], "use either 'any_of' or 'ordered', not both");
    return { resources: [], order: 'any' };
  }
  const key = anyOf ? 'any_of' : ordered ? 'ordered' : undefined;
  const entries: Array<{ path: KeyPath; raw: Raw }> = (anyOf ?? ordered ?? [undefined]).map((entry, i) => {
    if (!entry) return { path: ['resources'], raw: base };
    const merged: Raw = { ...base };
    // A choice that names its own placement replaces the base's, in either spelling.
    if ('infra' in entry || 'cloud' in entry) for (const k of ['infra', 'cloud', 'region', 'zone']) delete merged[k];
    if ('accelerators' in entry || 'gpus' in entry) for (const k of ['accelerators', 'gpus']) delete merged[k];
    return { path: ['resources', key as string, i], raw: { ...merged, ...entry } };
  });
  let order: 'any' | 'ordered' = ordered ? 'ordered' : 'any';
  const resources: ResourceRequest[] = [];
  for (const entry of entries) {
    const expanded = normaliseChoice(entry.raw, entry.path, ctx, ignored);
    if (expanded.order === 'ordered' && !anyOf) order = 'ordered';
    resources.push(...expanded.resources);
  }
  return { resources, order };
}

function normaliseChoice(raw: Raw, path: KeyPath, ctx: NormaliseContext, ignored: Set<string>): { resources: ResourceRequest[]; order: 'any' | 'ordered' } {
  const at = (k: string): KeyPath => [...path, k];
  const base: ResourceRequest = { useSpot: (raw.use_spot as boolean | null) ?? false, ports: [], labels: {} };

  if (raw.infra !== undefined && (raw.cloud != null || raw.region != null || raw.zone != null)) {
    ctx.problem(at('cloud'), "'infra' and the older 'cloud'/'region'/'zone' keys are both set: keep only 'infra' (e.g. 'aws/us-east-1')");
  } else if (typeof raw.infra === 'string' && raw.infra.trim() === '') {
    ctx.problem(at('infra'), "infra '' is empty: expected 'k8s', 'kubernetes/<context>' or a cloud such as 'aws' (or leave the key out)");
  } else if (typeof raw.infra === 'string') {
    const infra = attempt(ctx, at('infra'), () => parseInfra(raw.infra as string));
    if (infra) base.infra = infra;
  } else {
    const infra = attempt(ctx, at('cloud'), () => infraFromLegacy(raw.cloud as string, raw.region as string, raw.zone as string));
    if (infra) base.infra = infra;
  }
  if (raw.cpus !== undefined && raw.cpus !== null) {
    const cpus = attempt(ctx, at('cpus'), () => parseCpus(raw.cpus as string));
    if (cpus) base.cpus = cpus;
  }
  if (raw.memory !== undefined && raw.memory !== null) {
    const memory = attempt(ctx, at('memory'), () => parseMemory(raw.memory as string, base.cpus));
    if (memory) base.memory = memory;
  }
  if (raw.disk_size !== undefined && raw.disk_size !== null) {
    const disk = attempt(ctx, at('disk_size'), () => parseDiskSize(raw.disk_size as string));
    if (disk !== undefined) base.diskSizeGb = disk;
  }
  if (typeof raw.instance_type === 'string' && raw.instance_type.trim()) base.instanceType = raw.instance_type.trim();
  if (typeof raw.disk_tier === 'string') base.diskTier = raw.disk_tier;
  if (typeof raw.network_tier === 'string') base.networkTier = raw.network_tier;
  const image = attempt(ctx, at('image_id'), () => parseImageId(raw.image_id));
  if (image) base.image = image;
  const ports = attempt(ctx, at('ports'), () => parsePorts(raw.ports as number));
  if (ports) base.ports = ports;
  for (const [k, v] of Object.entries((raw.labels as Raw | null) ?? {})) {
    if (attempt(ctx, [...at('labels'), k], () => (checkLabelFor(base.infra?.provider, k, String(v)), true))) base.labels[k] = String(v);
  }
  const placed = base.infra;
  if (placed) attempt(ctx, at(raw.infra !== undefined ? 'infra' : 'zone'), () => checkZone(placed.provider, placed.zone));
  if (raw.spot_recovery !== undefined) {
    ctx.problem(at('spot_recovery'), `'spot_recovery' was renamed 'job_recovery' (SkyPilot refuses the old name): write 'job_recovery: ${typeof raw.spot_recovery === 'string' ? raw.spot_recovery : '<strategy>'}'`);
  }
  const strategy = typeof raw.job_recovery === 'string' ? raw.job_recovery : (raw.job_recovery as Raw | null)?.strategy;
  if (typeof strategy === 'string' && !['failover', 'eager_next_region', 'none'].includes(strategy.toLowerCase())) {
    ctx.problem(at('job_recovery'), `job recovery strategy '${strategy}' is not known: expected FAILOVER or EAGER_NEXT_REGION`);
  }
  if (image && image.kind === 'image' && !base.infra) {
    ctx.problem(at('image_id'), `image_id '${image.image}' is a cloud image, so it needs a cloud: set 'infra' (e.g. 'aws/us-east-1'), or use 'docker:<image>' for a container image`);
  }
  const autostop = attempt(ctx, at('autostop'), () => parseAutostop(raw.autostop));
  if (autostop) base.autostop = autostop;
  if (typeof raw.priority === 'number') base.priority = raw.priority;
  const recovery = raw.job_recovery;
  if (recovery !== undefined && recovery !== null) base.jobRecovery = typeof recovery === 'string' ? { strategy: recovery } : (recovery as Raw);
  if (raw.accelerator_args) base.acceleratorArgs = raw.accelerator_args as Raw;
  for (const k of IGNORED_RESOURCE_KEYS) if (raw[k] !== undefined && raw[k] !== null) ignored.add(`resources.${k}`);
  if (base.infra?.provider === 'kubernetes') {
    if (base.useSpot) ctx.problem(at('use_spot'), "Kubernetes has no spot capacity: drop 'use_spot' or choose a cloud in 'infra'");
    if (base.instanceType && !isKubernetesInstanceType(base.instanceType)) {
      ctx.problem(at('instance_type'), `'${base.instanceType}' is a cloud instance type; on Kubernetes use the pod shape '{cpus}CPU--{memory}GB[--{GPU}:{count}]' (e.g. '4CPU--16GB') or cpus/memory/accelerators`);
    }
  }

  if (raw.accelerators != null && raw.gpus != null) {
    ctx.problem(at('gpus'), "'gpus' is another name for 'accelerators': set only one of them");
    return { resources: [base], order: 'any' };
  }
  const accKey = raw.gpus != null ? 'gpus' : 'accelerators';
  const accelerators = attempt(ctx, at(accKey), () => parseAccelerators(raw[accKey], ctx.names));
  if (!accelerators || accelerators.choices.length === 0) return { resources: [base], order: 'any' };
  for (const choice of accelerators.choices) attempt(ctx, at(accKey), () => checkTpuPlacement(base.infra?.provider, choice.name));
  return {
    resources: accelerators.choices.map((accelerator) => ({ ...base, ports: [...base.ports], labels: { ...base.labels }, accelerator })),
    order: accelerators.order,
  };
}

export function problemAt(path: KeyPath, message: string, position?: { line: number; column: number }): TaskProblem {
  return { path: formatPath(path), message, ...(position ? { line: position.line, column: position.column } : {}) };
}
