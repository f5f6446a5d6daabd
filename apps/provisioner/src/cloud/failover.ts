import type { BlockedCandidate, OptimizePayload } from '@skyport/contracts';
import { mergeBlocked } from './failover-summary';

/** The pause before a `--no-burst` task plans again after its attempt failed (capacity may free up). */
export const NO_BURST_REPLAN_DELAY_MS = 3_000;

export interface FailedAttempt {
  requestId: string;
  clusterName: string;
  /** The request opted out of bursting (`noBurst` in its payload) or pinned its infra. */
  noBurst: boolean;
  /** The plan's blocked list (earlier failures). */
  previous: readonly BlockedCandidate[];
  /** What this failure rules out (a Kubernetes context, or a cloud candidate/region/cloud). */
  ruledOut: readonly BlockedCandidate[];
  waitRound?: number;
}

/**
 * What follows a failed attempt, for Kubernetes and cloud candidates alike: a re-plan on fresh capacity without
 * every candidate ruled out so far (the burst: the next context, or a cloud), or — for a task that opted out of
 * bursting — the same plan again after a pause, blocking nothing, so it waits for its own capacity.
 */
export function afterFailedAttempt(failed: FailedAttempt): { payload: OptimizePayload; delayMs?: number } {
  if (failed.noBurst) {
    return {
      payload: { requestId: failed.requestId, clusterName: failed.clusterName, blocked: [...failed.previous], waitRound: (failed.waitRound ?? 0) + 1 },
      delayMs: NO_BURST_REPLAN_DELAY_MS,
    };
  }
  return { payload: { requestId: failed.requestId, clusterName: failed.clusterName, blocked: mergeBlocked(failed.previous, failed.ruledOut) } };
}
