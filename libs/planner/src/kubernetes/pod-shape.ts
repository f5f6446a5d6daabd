import type { PlanResources } from '../input/plan-input.types';

/** The pod each node of a task gets on Kubernetes, in SkyPilot's `{cpus}CPU--{mem}GB[--{GPU}:{n}]` terms. */
export interface PodShape {
  cpus: number;
  memoryGb: number;
  accelerator?: { name: string; count: number };
}

// SkyPilot's Kubernetes defaults: 2 vCPUs and 1 GB per vCPU; with GPUs 4 vCPUs per GPU and 4 GB per vCPU.
const DEFAULT_CPUS = 2;
const MEMORY_GB_PER_CPU = 1;
const CPUS_PER_GPU = 4;
const MEMORY_GB_PER_CPU_WITH_GPU = 4;

const FORM = /^(\d+(?:\.\d+)?)CPU--(\d+(?:\.\d+)?)GB(?:--([A-Za-z0-9_.-]+):(\d+(?:\.\d+)?))?$/;

/** Parses `4CPU--16GB--A100:1`; undefined for anything else (a cloud instance type). */
export function parsePodShape(instanceType: string): PodShape | undefined {
  const m = FORM.exec(instanceType.trim());
  if (!m) return undefined;
  const shape: PodShape = { cpus: Number(m[1]), memoryGb: Number(m[2]) };
  if (m[3]) shape.accelerator = { name: m[3].replace(/_/g, ' '), count: Number(m[4]) };
  return shape;
}

export function podShapeFor(res: PlanResources): PodShape {
  if (res.instanceType) {
    const explicit = parsePodShape(res.instanceType);
    if (explicit) return explicit;
  }
  const gpus = res.accelerator?.count ?? 0;
  const cpus = res.cpus?.value ?? (gpus > 0 ? Math.max(CPUS_PER_GPU * gpus, 1) : DEFAULT_CPUS);
  const memoryGb = res.memory?.value ?? cpus * (gpus > 0 ? MEMORY_GB_PER_CPU_WITH_GPU : MEMORY_GB_PER_CPU);
  const shape: PodShape = { cpus, memoryGb };
  if (res.accelerator && res.accelerator.count > 0) shape.accelerator = { ...res.accelerator };
  return shape;
}

function num(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Number(n.toFixed(2)));
}

export function formatPodShape(shape: PodShape): string {
  const base = `${num(shape.cpus)}CPU--${num(shape.memoryGb)}GB`;
  if (!shape.accelerator) return base;
  return `${base}--${shape.accelerator.name.replace(/ /g, '_')}:${num(shape.accelerator.count)}`;
}
