import { ErrorCode, SkyportError, type TaskOverrides } from '@skyport/contracts';
import type { AcceleratorNames } from '../accelerators/accelerator-names';
import { parseAccelerators } from '../resources/accelerators';
import { parseImageId } from '../resources/image';
import { parseInfra } from '../resources/infra';
import { isKubernetesInstanceType } from '../resources/kubernetes-instance-type';
import { formatPorts, parsePorts } from '../resources/ports';
import { checkTaskName } from '../normalise/task-rules';
import { parseCpus, parseMemory } from '../resources/quantity';
import { ResourceSyntaxError } from '../resources/resource-syntax-error';
import type { PortRange, ResourceRequest, TaskSpec } from '../types/task-spec.types';
import { getDefaultAcceleratorNames } from '../parse-task';
import { substituteVariables } from './substitute';

export interface LaunchInputs {
  overrides?: TaskOverrides;
  /** `--env K=V`: fills or overrides `envs`. */
  envs?: Record<string, string>;
  /** `--secret K=V`: fills or overrides `secrets`. */
  secrets?: Record<string, string>;
  acceleratorNames?: AcceleratorNames;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function invalid(message: string, details: Record<string, unknown>): SkyportError {
  return new SkyportError(ErrorCode.InvalidTask, message, details);
}

function flagValue<T>(flag: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof ResourceSyntaxError) throw invalid(`${flag}: ${error.message}`, { flag });
    throw error;
  }
}

/**
 * The task as it will run: command-line resource overrides applied to every resource choice, `--env` and
 * `--secret` values filled in, and `${VAR}` references in file mounts, workdir and volumes resolved. A required
 * env or secret (null in the file) that is still missing fails, naming the variable and the flag.
 * Returns a new object; the input is not changed.
 */
export function applyLaunchInputs(task: TaskSpec, inputs: LaunchInputs = {}): TaskSpec {
  const out: TaskSpec = structuredClone(task);
  const o = inputs.overrides ?? {};
  const names = inputs.acceleratorNames ?? getDefaultAcceleratorNames();

  for (const [kind, values] of [['--env', inputs.envs], ['--secret', inputs.secrets]] as const) {
    for (const [name, value] of Object.entries(values ?? {})) {
      if (!ENV_NAME.test(name)) {
        throw invalid(`${kind} ${name}: '${name}' is not a valid variable name (letters, digits and '_', not starting with a digit)`, { variable: name, flag: kind });
      }
      if (typeof value !== 'string') throw invalid(`${kind} ${name}: the value must be a string`, { variable: name, flag: kind });
    }
  }
  for (const [name, value] of Object.entries(inputs.envs ?? {})) {
    if (name in out.secrets) throw invalid(`--env ${name}: '${name}' is a secret in the task; pass it with --secret ${name}=<value>`, { variable: name, flag: '--env' });
    out.envs[name] = value;
  }
  for (const [name, value] of Object.entries(inputs.secrets ?? {})) {
    if (name in out.envs) delete out.envs[name];
    out.secrets[name] = value;
  }
  const missing = [
    ...Object.entries(out.envs).filter(([, v]) => v === null).map(([name]) => ({ name, flag: '--env' })),
    ...Object.entries(out.secrets).filter(([, v]) => v === null).map(([name]) => ({ name, flag: '--secret' })),
  ];
  if (missing.length) {
    const list = missing.map((m) => `${m.flag} ${m.name}=<value>`).join(' ');
    const first = missing[0];
    const what = first.flag === '--env' ? 'environment variable' : 'secret';
    throw invalid(
      missing.length === 1
        ? `the task needs a value for the ${what} '${first.name}': pass it with ${first.flag} ${first.name}=<value>`
        : `the task needs values for ${missing.map((m) => `'${m.name}'`).join(', ')}: pass them with ${list}`,
      { missing: missing.map((m) => ({ variable: m.name, flag: m.flag })) },
    );
  }

  for (const mount of out.fileMounts) {
    if (mount.storage && !mount.storage.name && !mount.source) {
      throw invalid(`file_mounts.${mount.target}: the storage has neither a 'name' nor a 'source'; fill in the bucket name in the task file`, {
        path: `file_mounts.${mount.target}`,
      });
    }
  }
  applyTaskFlags(out, o);
  if (o.numNodes !== undefined) {
    if (!Number.isInteger(o.numNodes) || o.numNodes < 1) throw invalid(`--num-nodes: expected a whole number ≥ 1, got ${String(o.numNodes)}`, { flag: '--num-nodes' });
    out.numNodes = o.numNodes;
  }
  const patch: Partial<ResourceRequest> = {};
  if (o.cpus !== undefined) patch.cpus = flagValue('--cpus', () => parseCpus(o.cpus as string));
  if (o.memory !== undefined) patch.memory = flagValue('--memory', () => parseMemory(o.memory as string));
  if (o.imageId !== undefined) patch.image = flagValue('--image-id', () => parseImageId(o.imageId));
  if (o.useSpot !== undefined) patch.useSpot = o.useSpot;
  if (o.instanceType !== undefined) {
    if (typeof o.instanceType !== 'string' || !o.instanceType.trim()) throw invalid("--instance-type: expected an instance type such as 'm5.xlarge' (or '4CPU--16GB' on Kubernetes)", { flag: '--instance-type' });
    patch.instanceType = o.instanceType.trim();
  }
  const extraPorts = portsFlag(o.ports);
  let infraSet = false;
  if (o.infra !== undefined) {
    infraSet = true;
    const infra = flagValue('--infra', () => parseInfra(o.infra as string));
    if (infra) patch.infra = infra;
  }
  let resources = out.resources.map((r) => {
    const next: ResourceRequest = { ...r, ...patch };
    // '--memory 4x' is per vCPU: each choice multiplies its own cpus (already checked above, so no throw here).
    if (o.memory !== undefined) next.memory = parseMemory(o.memory as string, next.cpus);
    if (infraSet && !patch.infra) delete next.infra;
    // --ports adds to the task's ports (as `sky launch --ports`), merged with them.
    if (extraPorts.length) next.ports = parsePorts([...formatPorts(r.ports), ...formatPorts(extraPorts)]);
    return next;
  });
  if (o.gpus !== undefined) {
    // As in SkyPilot, --gpus replaces the task's accelerator choices.
    const accelerators = flagValue('--gpus', () => parseAccelerators(o.gpus, names));
    const template = resources[0];
    resources = accelerators.choices.length
      ? accelerators.choices.map((accelerator) => ({ ...template, accelerator }))
      : [{ ...template, accelerator: undefined }].map((r) => {
          delete r.accelerator;
          return r;
        });
    out.resourcesOrder = accelerators.order;
  }
  out.resources = resources;
  const cloudTypeOnKube = resources.find((r) => r.instanceType && r.infra?.provider === 'kubernetes' && !isKubernetesInstanceType(r.instanceType));
  if (cloudTypeOnKube && o.instanceType !== undefined) {
    throw invalid(
      `--instance-type: '${cloudTypeOnKube.instanceType}' is a cloud instance type; on Kubernetes use the pod shape '{cpus}CPU--{memory}GB[--{GPU}:{count}]' (e.g. '4CPU--16GB') or --cpus/--memory/--gpus`,
      { flag: '--instance-type' },
    );
  }
  if (resources.some((r) => r.useSpot && r.infra?.provider === 'kubernetes')) {
    const flag = o.useSpot ? '--use-spot' : '--infra';
    throw invalid(`${flag}: Kubernetes has no spot capacity; drop --use-spot or choose a cloud with --infra`, { flag });
  }

  const values: Record<string, string> = {};
  for (const [k, v] of Object.entries(out.envs)) if (v !== null) values[k] = v;
  for (const [k, v] of Object.entries(out.secrets)) if (v !== null) values[k] = v;
  out.fileMounts = out.fileMounts.map((m) => {
    const mount = { ...m, target: substituteVariables(m.target, values) };
    if (m.source !== undefined) mount.source = substituteVariables(m.source, values);
    if (m.storage?.name !== undefined) mount.storage = { ...m.storage, name: substituteVariables(m.storage.name, values) };
    return mount;
  });
  if (typeof out.workdir === 'string') out.workdir = substituteVariables(out.workdir, values);
  out.volumes = Object.fromEntries(Object.entries(out.volumes).map(([k, v]) => [substituteVariables(k, values), substituteVariables(v, values)]));
  return out;
}

/** `-n/--name` and `--no-setup`: the task's own fields, checked as the task file's would be. */
function applyTaskFlags(out: TaskSpec, o: TaskOverrides): void {
  if (o.name !== undefined) {
    if (typeof o.name !== 'string') throw invalid('--name: expected a task name such as \'train-gpt2\'', { flag: '--name' });
    checkTaskName(o.name, (_path, message) => {
      throw invalid(`--name: ${message}`, { flag: '--name' });
    });
    out.name = o.name;
  }
  if (o.noSetup !== undefined) {
    if (typeof o.noSetup !== 'boolean') throw invalid('--no-setup: expected true or false', { flag: '--no-setup' });
    if (o.noSetup) delete out.setup;
  }
}

/** `--ports 8080 --ports 9000-9010`: the ranges to add to every resource choice. */
function portsFlag(ports: unknown): PortRange[] {
  if (ports === undefined) return [];
  if (!Array.isArray(ports) || ports.some((p) => typeof p !== 'string' && typeof p !== 'number')) {
    throw invalid("--ports: expected a list of ports such as ['8080', '9000-9010']", { flag: '--ports' });
  }
  return flagValue('--ports', () => parsePorts(ports as Array<string | number>));
}
