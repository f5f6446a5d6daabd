import type { ClusterView, EventView, JobView } from './views.dto';

/*
 * Shapes of the api's answers beyond the launch/request views: clusters and jobs (identity's, audit's, webhooks',
 * infra's and the launch queue's are zod schemas: identity.dto.ts, webhook.dto.ts, infra.dto.ts, quota.dto.ts).
 * The api returns them, libs/client types its calls with them, and the OpenAPI document (apps/api/src/openapi)
 * describes them; a test checks live answers against that document.
 */

/** A cluster as lists show it: the contract's view plus who owns it. */
export interface ClusterSummary extends ClusterView {
  owner: string | null;
  team: string | null;
  /** The launch that placed it (its request). */
  requestId?: string;
  /** Set while its launch waits for the team's quota. */
  queued?: { position: number; reason: string | null };
}

export interface AttemptView {
  candidateId: string;
  outcome: string;
  reason?: string;
  startedAt: string;
  endedAt?: string;
}

export interface PlanSummary {
  planId: string;
  createdAt: string;
  numNodes: number;
  chosen?: { candidateId: string; instanceType: string; hourlyPrice: number; totalHourlyPrice: number; namespace?: string };
  candidates: Array<{ candidateId: string; feasible: boolean; reason?: string; totalHourlyPrice: number }>;
}

/** `status -v`: the cluster with its jobs, placement attempts, plan and latest events. */
export interface ClusterDetail extends ClusterSummary {
  jobs: { total: number; byStatus: Record<string, number>; latest: JobView[] };
  attempts: AttemptView[];
  plan?: PlanSummary;
  /** Nodes as the provisioner reported them in events (`cluster.nodes` data), when it did. */
  nodes: Array<Record<string, unknown>>;
  events: EventView[];
}

/** Port → address (`status --endpoints`); a port whose address is not published yet is absent. */
export type EndpointsView = Record<string, string>;

export interface CostReportItem {
  clusterName: string;
  status: string;
  infra?: string;
  owner: string | null;
  team: string | null;
  launchedAt: string;
  endedAt?: string;
  durationSeconds: number;
  hourlyPrice: number;
  totalCost: number;
}
