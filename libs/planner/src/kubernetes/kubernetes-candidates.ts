import { canonicalAccelerator } from '@skyport/catalog';
import type { OptimizerRpc, ProvisionerRpc } from '@skyport/contracts';
import type { KubernetesPricing, PlanResources, PlannerConfig } from '../input/plan-input.types';
import { fitOnContext } from './kubernetes-fit';
import { formatPodShape, parsePodShape, podShapeFor, type PodShape } from './pod-shape';

export function kubernetesCandidateId(context: string, instance: string, shapesOnContext: number): string {
  // One shape per context (the usual case) keeps the id in the `kubernetes/<context>` form the api shows;
  // several `any_of` shapes on one context need the shape to stay apart.
  return shapesOnContext > 1 ? `kubernetes/${context}::${instance}` : `kubernetes/${context}`;
}

export function podHourlyPrice(pricing: KubernetesPricing | undefined, shape: PodShape): number {
  if (!pricing) return 0;
  let price = (pricing.cpu_per_hour ?? 0) * shape.cpus + (pricing.memory_gb_per_hour ?? 0) * shape.memoryGb;
  if (shape.accelerator && pricing.accelerators) {
    const name = canonicalAccelerator(shape.accelerator.name) ?? shape.accelerator.name;
    price += (pricing.accelerators[name] ?? pricing.accelerators['*'] ?? 0) * shape.accelerator.count;
  }
  return price;
}

function autoscalerFor(config: PlannerConfig, context: string): boolean {
  const a = config.autoscaler;
  if (a === undefined) return false;
  return typeof a === 'boolean' ? a : (a[context] ?? a['*'] ?? false);
}

export interface KubernetesCandidateArgs {
  res: PlanResources;
  numNodes: number;
  config: PlannerConfig;
  capacityByContext: ReadonlyMap<string, ProvisionerRpc.ContextCapacity>;
  /** Why no snapshot exists at all (provisioner unreachable); used for every context. */
  capacityError?: string;
}

/** The Kubernetes candidates of one resource choice: one per allowed (or pinned) context. */
export function kubernetesCandidates(args: KubernetesCandidateArgs): OptimizerRpc.Candidate[] {
  const { res, numNodes, config } = args;
  if (res.infra && res.infra.provider !== 'kubernetes') return [];
  const pinned = res.infra?.context;
  const contexts = pinned ? [pinned] : config.allowedContexts;
  if (res.instanceType && !parsePodShape(res.instanceType)) {
    // A cloud instance type asks for that cloud; only a pin to Kubernetes makes it worth a line.
    if (res.infra?.provider !== 'kubernetes') return [];
  }
  const shape = podShapeFor(res);
  if (contexts.length === 0) {
    // No context is known at all: the provisioner, which knows them, did not answer, or none is allowed.
    const why = args.capacityError ?? 'no Kubernetes context is allowed or known to the provisioner (kubernetes.allowed_contexts)';
    return [{ ...blankCandidate(shape, numNodes, res.useSpot), candidateId: 'kubernetes', reason: `Kubernetes: ${why}` }];
  }
  const instance = formatPodShape(shape);
  const accName = shape.accelerator ? (canonicalAccelerator(shape.accelerator.name) ?? shape.accelerator.name) : '';
  return contexts.map((context) => {
    const ctx = args.capacityByContext.get(context);
    const hourly = podHourlyPrice(config.kubernetesPricing?.[context] ?? config.kubernetesPricing?.['*'], shape);
    const candidate: OptimizerRpc.Candidate = {
      candidateId: `kubernetes/${context}`,
      provider: 'kubernetes',
      region: context,
      zone: '',
      instanceType: instance,
      vcpus: shape.cpus,
      memoryGb: shape.memoryGb,
      acceleratorName: accName,
      acceleratorCount: shape.accelerator?.count ?? 0,
      hourlyPrice: hourly,
      totalHourlyPrice: hourly * numNodes,
      useSpot: res.useSpot,
      feasible: false,
      reason: '',
      namespace: ctx?.namespace ?? '',
    };
    const infeasible = (detail: string): OptimizerRpc.Candidate => ({ ...candidate, reason: `${context}: ${detail}` });
    if (res.instanceType && !parsePodShape(res.instanceType)) {
      return infeasible(`instance_type '${res.instanceType}' is not a Kubernetes pod shape; use e.g. '4CPU--16GB--A100:1'`);
    }
    if (!config.allowedContexts.includes(context)) {
      return infeasible(`not in kubernetes.allowed_contexts (${config.allowedContexts.join(', ') || 'none configured'})`);
    }
    if (res.useSpot) return infeasible('Kubernetes has no spot capacity; drop use_spot to run here');
    if (!ctx) return infeasible(args.capacityError ?? 'no capacity snapshot for this context (unknown to the provisioner)');
    if (!ctx.reachable) return infeasible(`unreachable: ${ctx.error || 'no reason given'}`);
    const fit = fitOnContext(ctx, shape, numNodes, autoscalerFor(config, context));
    return fit.feasible ? { ...candidate, feasible: true } : infeasible(fit.detail ?? 'does not fit');
  });
}

function blankCandidate(shape: PodShape, numNodes: number, useSpot: boolean): OptimizerRpc.Candidate {
  return {
    candidateId: 'kubernetes',
    provider: 'kubernetes',
    region: '',
    zone: '',
    instanceType: formatPodShape(shape),
    vcpus: shape.cpus,
    memoryGb: shape.memoryGb,
    acceleratorName: shape.accelerator ? (canonicalAccelerator(shape.accelerator.name) ?? shape.accelerator.name) : '',
    acceleratorCount: shape.accelerator?.count ?? 0,
    hourlyPrice: 0,
    totalHourlyPrice: 0 * numNodes,
    useSpot,
    feasible: false,
    reason: '',
    namespace: '',
  };
}
