import { z } from 'zod';
import { isoTime, uuidText } from './answer-fields';
import { ClusterStatus, JobStatus, RequestKind, RequestStatus } from '../states/states';

/*
 * The api's answers about requests, their events, clusters and jobs, declared with zod as in launch.dto.ts: the
 * types are z.infer of the schemas and the OpenAPI components are generated from them (REST_SCHEMAS).
 */

/** One entry of the timeline users see: every state change appends one. */
export const EventViewSchema = z.object({
  id: z
    .string()
    .regex(/^[0-9]+$/)
    .meta({ description: 'Monotonic: resume a stream after it.' }),
  at: isoTime(),
  type: z.string(),
  message: z.string(),
  requestId: z.string().optional(),
  clusterName: z.string().optional(),
  jobId: z.number().int().optional(),
  data: z.record(z.string(), z.unknown()).optional(),
});
export type EventView = z.infer<typeof EventViewSchema>;

/** A launch's place in the team queue (or the capacity wait) and why it waits. */
export const QueuedInfoSchema = z.object({ position: z.number().int().min(1), reason: z.string().nullable() });
export type QueuedInfo = z.infer<typeof QueuedInfoSchema>;

export const RequestViewSchema = z.object({
  requestId: uuidText(),
  /** Besides the kinds a request is created with, `cancel` (job cancels recorded as requests). */
  kind: z.enum({ ...RequestKind, Cancel: 'cancel' } as const),
  status: z.enum(RequestStatus),
  clusterName: z.string(),
  jobId: z.number().int().optional(),
  createdAt: isoTime(),
  updatedAt: isoTime(),
  /** Set when the request failed: what went wrong, for people. */
  error: z.object({ code: z.string(), message: z.string() }).optional(),
  events: z.array(EventViewSchema),
  /** While its launch waits for the team's quota or for capacity: its place in line. */
  queue: QueuedInfoSchema.optional(),
});
export type RequestView = z.infer<typeof RequestViewSchema>;

/** A cluster as the contract shows it (ClusterSummary adds who owns it). */
export const ClusterViewSchema = z.object({
  name: z.string(),
  status: z.enum(ClusterStatus),
  /** `kubernetes/<context>` or `<cloud>/<region>` once placed. */
  infra: z.string().optional(),
  namespace: z.string().optional(),
  instanceType: z.string().optional(),
  numNodes: z.number().int(),
  resources: z.string().optional(),
  createdAt: isoTime(),
  updatedAt: isoTime(),
  autostop: z.object({ idleMinutes: z.number(), down: z.boolean() }).optional(),
  statusReason: z.string().optional(),
});
export type ClusterView = z.infer<typeof ClusterViewSchema>;

export const JobViewSchema = z.object({
  clusterName: z.string(),
  jobId: z.number().int(),
  name: z.string().optional(),
  status: z.enum(JobStatus),
  submittedAt: isoTime(),
  startedAt: isoTime().optional(),
  endedAt: isoTime().optional(),
  exitCodes: z.array(z.number().int()).optional(),
  /**
   * What the job holds on each node while it runs, as SkyPilot's RESOURCES column: `1x[CPU:0.5]`,
   * `2x[CPU:2, A100:1]`. Jobs whose resources fit side by side on the cluster run at once.
   */
  resources: z
    .string()
    .optional()
    .meta({ description: "What the job holds on each node, as SkyPilot's RESOURCES column: `1x[CPU:0.5]`, `2x[CPU:2, A100:1]`." }),
});
export type JobView = z.infer<typeof JobViewSchema>;

/** A page of a list: `nextCursor` is absent on the last page. */
export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

/** The schema of a page of `item`s (`?limit=&cursor=`). */
export function pageSchema<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    nextCursor: z.string().optional().meta({ description: 'Pass as `cursor` for the next page; absent on the last page.' }),
  });
}
