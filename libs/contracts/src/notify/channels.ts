/**
 * Postgres LISTEN/NOTIFY channels, one name each for the service that notifies and the ones that listen
 * (through service-kit's PgListener), with the payload each carries. A notification only says "look now": every
 * listener also polls, so a missed one delays work, never loses it — which is also why a payload a listener
 * cannot read is ignored rather than an error.
 */

/** Woken on every recorded event (payload: an `EventNotification` as JSON): SSE streams, log follows, autodown. */
export const EVENTS_CHANNEL = 'skyport_events';

/** Woken when a cluster's activity changes outside a job (an ssh session opened or closed; payload: the cluster name). */
export const ACTIVITY_CHANNEL = 'skyport_cluster_activity';

/** Notified in the transaction that adds outbox rows (payload: the queue), so the api's relay publishes at once. */
export const OUTBOX_CHANNEL = 'skyport_outbox';

/** Woken when new log lines of a job are stored (payload: `logsNotification(cluster, job id)`), so following Tail calls read them. */
export const LOGS_CHANNEL = 'skyport_logs';

/** The api notifies this channel when it records a cancel request (payload: a `JobCancelNotification` as JSON), so the provisioner stops running jobs at once. */
export const JOB_CANCEL_CHANNEL = 'skyport_job_cancel';

/** EVENTS_CHANNEL's payload: which event, and whose (a request's, a cluster's, or both). */
export interface EventNotification {
  id: string;
  requestId: string | null;
  clusterName: string | null;
}

export function eventNotification(event: EventNotification): string {
  return JSON.stringify({ id: event.id, requestId: event.requestId, clusterName: event.clusterName });
}

/** Reads an EVENTS_CHANNEL payload; undefined when it is not one. */
export function parseEventNotification(payload: string | undefined): EventNotification | undefined {
  if (!payload) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(payload);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const { id, requestId, clusterName } = value as Record<string, unknown>;
  const text = (v: unknown): string | null => (typeof v === 'string' && v ? v : null);
  return { id: typeof id === 'string' || typeof id === 'number' ? String(id) : '', requestId: text(requestId), clusterName: text(clusterName) };
}

/**
 * JOB_CANCEL_CHANNEL's payload. The provisioner applies every recorded cancel on any notification (the rows are
 * the truth), so it says which jobs for the operator who watches the channel, not for the listener.
 */
export interface JobCancelNotification {
  clusterName: string;
  jobIds: number[];
}

export function jobCancelNotification(cancel: JobCancelNotification): string {
  return JSON.stringify({ clusterName: cancel.clusterName, jobIds: cancel.jobIds });
}

/** LOGS_CHANNEL's payload for a job's new lines; a following Tail call waits on the same key. */
export function logsNotification(clusterName: string, jobId: number): string {
  return `${clusterName}/${jobId}`;
}
