/**
 * Postgres LISTEN/NOTIFY channels, one name each for the service that notifies and the ones that listen
 * (through service-kit's PgListener). A notification only says "look now": every listener also polls, so a
 * missed one delays work, never loses it.
 */

/** Woken on every recorded event (payload `{ id, requestId, clusterName }` as JSON): SSE streams, log follows, autodown. */
export const EVENTS_CHANNEL = 'skyport_events';

/** Woken when a cluster's activity changes outside a job (an ssh session opened or closed; payload: the cluster name). */
export const ACTIVITY_CHANNEL = 'skyport_cluster_activity';

/** Notified in the transaction that adds outbox rows (payload: the queue), so the api's relay publishes at once. */
export const OUTBOX_CHANNEL = 'skyport_outbox';

/** Woken when new log lines of a job are stored (payload `<cluster>/<job id>`), so following Tail calls read them. */
export const LOGS_CHANNEL = 'skyport_logs';

/** The api notifies this channel when it records a cancel request (payload `{ clusterName, jobIds }`), so the provisioner stops running jobs at once. */
export const JOB_CANCEL_CHANNEL = 'skyport_job_cancel';
