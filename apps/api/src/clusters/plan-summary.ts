import type { PlanEntity } from '@skyport/persistence';
import type { PlanSummary } from './clusters.dto';

/** A plan as the api shows it: its chosen candidate (with the $/hour the cost report bills) and the others. */
export function planSummary(plan: PlanEntity): PlanSummary {
  const body = plan.plan;
  // A row written before a field existed lacks it: every field is read with its fallback.
  const candidates = body.candidates ?? [];
  const chosen = plan.chosenIndex >= 0 ? candidates[plan.chosenIndex] : undefined;
  return {
    planId: plan.id,
    createdAt: plan.createdAt.toISOString(),
    numNodes: Number(body.numNodes ?? 1),
    ...(chosen
      ? {
          chosen: {
            candidateId: String(chosen.candidateId ?? ''),
            instanceType: String(chosen.instanceType ?? ''),
            hourlyPrice: Number(chosen.hourlyPrice ?? 0),
            totalHourlyPrice: Number(chosen.totalHourlyPrice ?? 0),
            ...(chosen.namespace ? { namespace: String(chosen.namespace) } : {}),
          },
        }
      : {}),
    candidates: candidates.slice(0, 200).map((c) => ({
      candidateId: String(c.candidateId ?? ''),
      feasible: Boolean(c.feasible),
      ...(c.reason ? { reason: String(c.reason) } : {}),
      totalHourlyPrice: Number(c.totalHourlyPrice ?? 0),
    })),
  };
}
