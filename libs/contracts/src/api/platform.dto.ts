import { z } from 'zod';
import { isoTime } from './answer-fields';
import { ClusterViewSchema, EventViewSchema, JobViewSchema, QueuedInfoSchema, pageSchema } from './views.dto';

/*
 * Shapes of the api's answers beyond the launch/request views: clusters, their plans and costs, the dry run and
 * the health check, declared with zod as in launch.dto.ts. The api returns them, libs/client types its calls with
 * them (z.infer), and the OpenAPI document generates their components from REST_SCHEMAS; a test checks live
 * answers against that document.
 */

/** A cluster as lists show it: the contract's view plus who owns it. */
export const ClusterSummarySchema = ClusterViewSchema.extend({
  owner: z.string().nullable(),
  team: z.string().nullable(),
  /** The launch that placed it (its request). */
  requestId: z.string().optional(),
  /** Set while its launch waits for the team's quota. */
  queued: QueuedInfoSchema.optional(),
});
export type ClusterSummary = z.infer<typeof ClusterSummarySchema>;

export const AttemptViewSchema = z.object({
  candidateId: z.string(),
  outcome: z.string(),
  reason: z.string().optional(),
  startedAt: isoTime(),
  endedAt: isoTime().optional(),
});
export type AttemptView = z.infer<typeof AttemptViewSchema>;

export const PlanSummarySchema = z.object({
  planId: z.string(),
  createdAt: isoTime(),
  numNodes: z.number().int(),
  chosen: z
    .object({ candidateId: z.string(), instanceType: z.string(), hourlyPrice: z.number(), totalHourlyPrice: z.number(), namespace: z.string().optional() })
    .optional(),
  candidates: z.array(z.object({ candidateId: z.string(), feasible: z.boolean(), reason: z.string().optional(), totalHourlyPrice: z.number() })),
});
export type PlanSummary = z.infer<typeof PlanSummarySchema>;

/** `status -v`: the cluster with its jobs, placement attempts, plan and latest events. */
export const ClusterDetailSchema = ClusterSummarySchema.extend({
  jobs: z.object({ total: z.number().int(), byStatus: z.record(z.string(), z.number().int()), latest: z.array(JobViewSchema) }),
  attempts: z.array(AttemptViewSchema),
  plan: PlanSummarySchema.optional(),
  /** Nodes as the provisioner reported them in events (`cluster.nodes` data), when it did. */
  nodes: z.array(z.record(z.string(), z.unknown())),
  events: z.array(EventViewSchema),
});
export type ClusterDetail = z.infer<typeof ClusterDetailSchema>;

/** `GET /v1/clusters`. */
export const ClusterPageSchema = pageSchema(ClusterSummarySchema);
export type ClusterPage = z.infer<typeof ClusterPageSchema>;

/** `GET /v1/clusters/:name/jobs`. */
export const JobPageSchema = pageSchema(JobViewSchema);
export type JobPage = z.infer<typeof JobPageSchema>;

/** Port → address (`status --endpoints`); a port whose address is not published yet is absent. */
export const EndpointsViewSchema = z.record(z.string(), z.string()).meta({ description: 'Port → address; ports whose address is not published yet are absent.' });
export type EndpointsView = z.infer<typeof EndpointsViewSchema>;

export const CostReportItemSchema = z.object({
  clusterName: z.string(),
  status: z.string(),
  infra: z.string().optional(),
  owner: z.string().nullable(),
  team: z.string().nullable(),
  launchedAt: isoTime(),
  endedAt: isoTime().optional(),
  durationSeconds: z.number().int(),
  hourlyPrice: z.number(),
  totalCost: z.number(),
});
export type CostReportItem = z.infer<typeof CostReportItemSchema>;

/** `GET /v1/cost-report`: one page of clusters' costs and the total over all of them. */
export const CostReportPageSchema = z.object({ items: z.array(CostReportItemSchema), totalCost: z.number(), nextCursor: z.string().optional() });
export type CostReportPage = z.infer<typeof CostReportPageSchema>;

/** `POST /v1/clusters/:name/launch` with `dryrun: true` answers the plan instead of launching. */
export const DryrunPlanSchema = z.object({
  dryrun: z.literal(true),
  plan: z.record(z.string(), z.unknown()).meta({ description: 'The optimizer PlanResponse.' }),
});
export type DryrunPlan = z.infer<typeof DryrunPlanSchema>;

/** `GET /healthz`: each dependency's check (`ok` or what failed); 503 when one failed. */
export const HealthViewSchema = z.object({ ok: z.boolean(), checks: z.record(z.string(), z.string()) });
export type HealthView = z.infer<typeof HealthViewSchema>;
