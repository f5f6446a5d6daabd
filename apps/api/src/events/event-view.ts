import type { EventView } from '@skyport/contracts';
import type { EventEntity } from '@skyport/persistence';

/** The columns an event view is made of: an EventEntity, or a raw row selected with `eventViewColumns()`. */
export type EventViewSource = Pick<EventEntity, 'id' | 'createdAt' | 'type' | 'message' | 'requestId' | 'clusterName' | 'jobId' | 'data'>;

/** The select list (of `events`, aliased `alias`) whose raw rows `toEventView` takes, named as the entity's fields. */
export function eventViewColumns(alias = 'events'): string {
  return `${alias}.id::text AS id, ${alias}.created_at AS "createdAt", ${alias}.type, ${alias}.message, ${alias}.request_id AS "requestId", ${alias}.cluster_name AS "clusterName", ${alias}.job_id AS "jobId", ${alias}.data`;
}

/** An event as users see it: the REST answers (a request's events, a cluster's recent events), `/v1/events`, webhooks. */
export function toEventView(e: EventViewSource): EventView {
  return {
    id: e.id,
    at: e.createdAt.toISOString(),
    type: e.type,
    message: e.message,
    ...(e.requestId ? { requestId: e.requestId } : {}),
    ...(e.clusterName ? { clusterName: e.clusterName } : {}),
    ...(e.jobId !== null ? { jobId: e.jobId } : {}),
    ...(e.data ? { data: e.data } : {}),
  };
}
