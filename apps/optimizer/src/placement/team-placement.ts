import type { OptimizerRpc, Placement } from '@skyport/contracts';
import { revisePlan } from '../plan/revise-plan';

/**
 * The team's namespace on a context: the one the task asks for when it is the team's there, else the first the
 * team has there; undefined when the team has none on that context.
 */
export function teamNamespaceOn(placement: Placement, context: string, asked?: string): string | undefined {
  const mine = placement.namespaces.filter((n) => n.context === context).map((n) => n.namespace);
  if (asked && mine.includes(asked)) return asked;
  return mine[0];
}

/**
 * Confines a plan to the team's namespaces: a Kubernetes candidate on a context where the team has a namespace
 * gets that namespace (the provisioner creates the cluster there); one on a context where it has none is not a
 * candidate, with that reason. Clouds are untouched. Feasible candidates stay first, in their order.
 */
export function confineToTeam(plan: OptimizerRpc.PlanResponse, placement: Placement | undefined, askedNamespace?: string): OptimizerRpc.PlanResponse {
  if (!placement) return plan;
  const theirs = [...new Set(placement.namespaces.map((n) => n.context))].join(', ');
  return revisePlan(plan, (c) => {
    if (c.provider !== 'kubernetes' || !c.region) return c;
    const namespace = teamNamespaceOn(placement, c.region, askedNamespace);
    if (namespace) return { ...c, namespace };
    return { ...c, feasible: false, reason: `${c.region}: team '${placement.team}' has no namespace on this context (its contexts: ${theirs})` };
  });
}

/** The namespace a task names itself (`config.kubernetes.namespace` or its pod_config metadata), if any. */
export function namespaceAskedBy(task: unknown): string | undefined {
  const kube = (task as { config?: { kubernetes?: Record<string, unknown> } } | null)?.config?.kubernetes;
  if (typeof kube?.namespace === 'string') return kube.namespace;
  const meta = (kube?.podConfig as { metadata?: { namespace?: unknown } } | undefined)?.metadata;
  return typeof meta?.namespace === 'string' ? meta.namespace : undefined;
}
