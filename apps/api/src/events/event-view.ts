import type { EventView } from '@skyport/contracts';
import type { EventEntity } from '@skyport/persistence';

/** An event row as the REST answers show it (a request's events, a cluster's recent events). */
export function toEventView(e: EventEntity): EventView {
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
