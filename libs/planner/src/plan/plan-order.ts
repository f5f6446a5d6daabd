import type { OptimizerRpc } from '@skyport/contracts';

/** A candidate with the index of the resource choice (`any_of` / `ordered` entry) it came from. */
export interface RankedCandidate {
  candidate: OptimizerRpc.Candidate;
  option: number;
  /** Position in which the planner produced it: Kubernetes contexts come in `allowed_contexts` order. */
  seq?: number;
}

/**
 * Failover order: feasible before infeasible; then, for `ordered` resources, the user's order; then cost
 * (total for all nodes), Kubernetes before a cloud at equal cost, the user's order, the admin's `allowed_contexts`
 * order (as SkyPilot fails over among equal-cost contexts), and finally the id so the order is stable.
 */
export function compareCandidates(order: 'any' | 'ordered') {
  return (a: RankedCandidate, b: RankedCandidate): number => {
    if (a.candidate.feasible !== b.candidate.feasible) return a.candidate.feasible ? -1 : 1;
    if (order === 'ordered' && a.option !== b.option) return a.option - b.option;
    const cost = a.candidate.totalHourlyPrice - b.candidate.totalHourlyPrice;
    if (Math.abs(cost) > 1e-12) return cost;
    const ka = a.candidate.provider === 'kubernetes' ? 0 : 1;
    const kb = b.candidate.provider === 'kubernetes' ? 0 : 1;
    if (ka !== kb) return ka - kb;
    if (a.option !== b.option) return a.option - b.option;
    if (a.seq !== undefined && b.seq !== undefined && a.seq !== b.seq) return a.seq - b.seq;
    return a.candidate.candidateId < b.candidate.candidateId ? -1 : a.candidate.candidateId > b.candidate.candidateId ? 1 : 0;
  };
}
