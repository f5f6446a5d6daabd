import type { PlanResponse } from '../generated/optimizer';
import type { BlockedCandidate } from '../queues/queue-payloads';

/**
 * `plans.plan`: what the optimizer stores of a plan (the PlanResponse, what made it and the table as printed).
 * The optimizer writes it; the provisioner brings the cluster up from it; the api shows and bills it.
 */
export interface StoredPlan extends PlanResponse {
  /** The candidates the plan was made without (failed attempts), and the key a redelivered job finds it by. */
  blocked: BlockedCandidate[];
  blockedKey: string;
  capacityError?: string;
  /** Kubernetes contexts that could run the task once capacity frees there (what a wait holds). */
  waitContexts?: string[];
  table: string;
  error?: { code: string; message: string };
}
