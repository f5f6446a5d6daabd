import type { OptimizerRpc } from '@skyport/contracts';

/**
 * Rewrites a plan's candidates one by one and chooses again: feasible candidates first (their order kept), the
 * first of them chosen; nothing chosen when none is feasible. Used for rules the planner does not know about
 * (team namespaces, the capacity queue).
 */
export function revisePlan(plan: OptimizerRpc.PlanResponse, revise: (c: OptimizerRpc.Candidate) => OptimizerRpc.Candidate): OptimizerRpc.PlanResponse {
  const candidates = plan.candidates.map(revise);
  const ordered = [...candidates.filter((c) => c.feasible), ...candidates.filter((c) => !c.feasible)];
  return { ...plan, candidates: ordered, chosenIndex: ordered[0]?.feasible ? 0 : -1 };
}
