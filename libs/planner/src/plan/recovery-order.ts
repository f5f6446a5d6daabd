import type { InfraLocation, OptimizerRpc, Relaunch } from '@skyport/contracts';

function ranWhereLost(c: OptimizerRpc.Candidate, lost: InfraLocation): boolean {
  return c.provider === lost.provider && c.region === lost.region;
}

/**
 * A managed job's relaunch after a loss, ordered by its `job_recovery.strategy` (SkyPilot's meaning): FAILOVER
 * tries the lost attempt's context or region first, EAGER_NEXT_REGION tries it last. Only the order of the feasible
 * candidates changes (each group keeps its plan order); nothing is dropped, so a lost location that is the only
 * feasible one is still chosen. The infeasible candidates stay after them, as they were.
 */
export function orderForRelaunch(plan: OptimizerRpc.PlanResponse, relaunch: Relaunch | undefined): OptimizerRpc.PlanResponse {
  if (!relaunch) return plan;
  const feasible = plan.candidates.filter((c) => c.feasible);
  const there = feasible.filter((c) => ranWhereLost(c, relaunch.lost));
  const elsewhere = feasible.filter((c) => !ranWhereLost(c, relaunch.lost));
  const first = relaunch.strategy === 'EAGER_NEXT_REGION' ? [...elsewhere, ...there] : [...there, ...elsewhere];
  const ordered = [...first, ...plan.candidates.filter((c) => !c.feasible)];
  return { ...plan, candidates: ordered, chosenIndex: ordered[0]?.feasible ? 0 : -1 };
}
