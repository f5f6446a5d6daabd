import type { EntityManager } from 'typeorm';
import { OUTBOX_CHANNEL, queueJobId, type QueueName, type QueuePayload } from '@skyport/contracts';
import { OutboxEntity } from '@skyport/persistence';
import { currentTraceCarrier } from '@skyport/telemetry';

/** Adds a job to the outbox in the caller's transaction and wakes the relay when it commits; the job continues the caller's trace. */
export async function addToOutbox<Q extends QueueName>(tx: EntityManager, queue: Q, payload: QueuePayload<Q>): Promise<void> {
  const trace = currentTraceCarrier();
  await tx.insert(OutboxEntity, { queue, jobId: queueJobId(queue, payload), payload: payload as never, delayMs: 0, traceContext: trace.traceparent ? trace : null });
  await tx.query('SELECT pg_notify($1, $2)', [OUTBOX_CHANNEL, queue]);
}
