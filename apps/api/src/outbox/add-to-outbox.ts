import type { EntityManager } from 'typeorm';
import { OUTBOX_CHANNEL, queueJobId, type QueueName, type QueuePayload } from '@skyport/contracts';
import { OutboxEntity } from '@skyport/persistence';
import { currentTraceCarrier, type TraceCarrier } from '@skyport/telemetry';

/** An outbox row as written: the job's de-duplication id, and the trace it continues (null when tracing is off). */
export interface OutboxRow {
  queue: QueueName;
  jobId: string;
  payload: QueuePayload<QueueName>;
  traceContext: TraceCarrier | null;
}

/** The outbox row of a job (for writers that insert it themselves, in a statement with other rows). */
export function outboxRow<Q extends QueueName>(queue: Q, payload: QueuePayload<Q>): OutboxRow {
  const trace = currentTraceCarrier();
  return { queue, jobId: queueJobId(queue, payload), payload, traceContext: trace.traceparent ? trace : null };
}

/** Adds a job to the outbox in the caller's transaction and wakes the relay when it commits; the job continues the caller's trace. */
export async function addToOutbox<Q extends QueueName>(tx: EntityManager, queue: Q, payload: QueuePayload<Q>): Promise<void> {
  const row = outboxRow(queue, payload);
  await tx.insert(OutboxEntity, { queue: row.queue, jobId: row.jobId, payload: row.payload, delayMs: 0, traceContext: row.traceContext });
  await tx.query('SELECT pg_notify($1, $2)', [OUTBOX_CHANNEL, queue]);
}
