import type { OptimizerRpc } from '@skyport/contracts';
import { infraLabel } from '../format/plan-table';

/**
 * A plan for a task that opted out of bursting (`--no-burst`): only Kubernetes candidates may be chosen; cloud
 * candidates stay in the table with the reason. The order stays failover order (feasible first); with no
 * Kubernetes candidate feasible now, nothing is chosen and the task waits for capacity instead of failing.
 */
export function withoutBurst(plan: OptimizerRpc.PlanResponse): OptimizerRpc.PlanResponse {
  const candidates = plan.candidates.map((c) =>
    c.provider === 'kubernetes' || !c.feasible ? c : { ...c, feasible: false, reason: `${infraLabel(c)}: not used with --no-burst (the task waits for Kubernetes capacity instead)` },
  );
  const ordered = [...candidates.filter((c) => c.feasible), ...candidates.filter((c) => !c.feasible)];
  return { ...plan, candidates: ordered, chosenIndex: ordered[0]?.feasible ? 0 : -1 };
}
