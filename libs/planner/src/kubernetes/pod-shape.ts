import {
  formatKubernetesInstanceType,
  isKubernetesInstanceType,
  kubernetesInstanceTypeFor,
  parseKubernetesInstanceType,
  type KubernetesInstanceType,
} from '@skyport/task-spec';
import type { PlanResources } from '../input/plan-input.types';

/*
 * The pod each node of a task gets on Kubernetes, `{cpus}CPU--{mem}GB[--{GPU}:{n}]`, with SkyPilot's defaults.
 * libs/task-spec owns the form (the provisioner parses the plan's instance type with it), so the planner uses
 * the same functions rather than a copy.
 */
export type PodShape = KubernetesInstanceType;

/** Parses `4CPU--16GB--A100:1`; undefined for anything else (a cloud instance type). */
export function parsePodShape(instanceType: string): PodShape | undefined {
  return isKubernetesInstanceType(instanceType.trim()) ? parseKubernetesInstanceType(instanceType) : undefined;
}

export function podShapeFor(res: PlanResources): PodShape {
  return kubernetesInstanceTypeFor(res);
}

export function formatPodShape(shape: PodShape): string {
  return formatKubernetesInstanceType(shape);
}
