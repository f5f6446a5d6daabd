import type { AcceleratorRequest, ResourceRequest } from '../types/task-spec.types';
import { formatNumber } from './quantity';
import { ResourceSyntaxError } from './resource-syntax-error';

/** A Kubernetes "instance type": the pod shape SkyPilot names `{cpus}CPU--{mem}GB[--{ACC}:{n}]`. */
export interface KubernetesInstanceType {
  cpus: number;
  memoryGb: number;
  accelerator?: AcceleratorRequest;
}

/** SkyPilot's defaults for a pod when the task does not say. */
export const KUBERNETES_DEFAULTS = {
  cpus: 2,
  memoryGbPerCpu: 1,
  cpusPerGpu: 4,
  memoryGbPerCpuWithGpu: 4,
} as const;

// Current form `4CPU--16GB--A100:1`; SkyPilot's older form `4CPU--16GB--1A100` is read too.
const FORM = /^(\d+(?:\.\d+)?)CPU--(\d+(?:\.\d+)?)GB(?:--(?:([A-Za-z0-9_.-]+):(\d+(?:\.\d+)?)|(\d+(?:\.\d+)?)([A-Za-z][A-Za-z0-9_.-]*)))?$/;

export function isKubernetesInstanceType(name: string): boolean {
  return FORM.test(name);
}

export function parseKubernetesInstanceType(name: string): KubernetesInstanceType {
  const match = FORM.exec(name.trim());
  if (!match) {
    throw new ResourceSyntaxError(`'${name}' is not a Kubernetes instance type: use '{cpus}CPU--{memory}GB' or '{cpus}CPU--{memory}GB--{GPU}:{count}', e.g. '4CPU--16GB--A100:1'`);
  }
  const [, cpus, mem, accName, accCount, oldCount, oldName] = match;
  const result: KubernetesInstanceType = { cpus: Number(cpus), memoryGb: Number(mem) };
  if (accName) result.accelerator = { name: accName.replace(/_/g, ' '), count: Number(accCount) };
  else if (oldName) result.accelerator = { name: oldName.replace(/_/g, ' '), count: Number(oldCount) };
  return result;
}

export function formatKubernetesInstanceType(shape: KubernetesInstanceType): string {
  const base = `${formatNumber(shape.cpus)}CPU--${formatNumber(shape.memoryGb)}GB`;
  if (!shape.accelerator || shape.accelerator.count <= 0) return base;
  // Spaces are not allowed in the name; SkyPilot uses '_' for them.
  return `${base}--${shape.accelerator.name.replace(/ /g, '_')}:${formatNumber(shape.accelerator.count)}`;
}

/**
 * The pod shape for a resource request, with SkyPilot's defaults: no cpus → 2 vCPUs (4 per GPU when GPUs are
 * asked for), no memory → 1 GB per vCPU (4 GB per vCPU with GPUs). `N+` asks for N. An explicit
 * `instance_type` in the Kubernetes form wins.
 */
export function kubernetesInstanceTypeFor(req: Pick<ResourceRequest, 'cpus' | 'memory' | 'accelerator' | 'instanceType'>): KubernetesInstanceType {
  if (req.instanceType && isKubernetesInstanceType(req.instanceType)) return parseKubernetesInstanceType(req.instanceType);
  const gpus = req.accelerator?.count ?? 0;
  const cpus = req.cpus?.value ?? (gpus > 0 ? Math.max(KUBERNETES_DEFAULTS.cpusPerGpu * gpus, 1) : KUBERNETES_DEFAULTS.cpus);
  const ratio = gpus > 0 ? KUBERNETES_DEFAULTS.memoryGbPerCpuWithGpu : KUBERNETES_DEFAULTS.memoryGbPerCpu;
  const memoryGb = req.memory?.value ?? cpus * ratio;
  const shape: KubernetesInstanceType = { cpus, memoryGb };
  if (req.accelerator) shape.accelerator = { ...req.accelerator };
  return shape;
}
