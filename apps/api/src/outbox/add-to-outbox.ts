import type { EntityManager } from 'typeorm';
import { queueJobId, type QueueName, type QueuePayload } from '@skyport/contracts';
import { OutboxEntity } from '@skyport/persistence';
import { OUTBOX_CHANNEL } from './outbox.constants';

/** Adds a job to the outbox in the caller's transaction and wakes the relay when it commits. */
export async function addToOutbox<Q extends QueueName>(tx: EntityManager, queue: Q, payload: QueuePayload<Q>): Promise<void> {
  await tx.insert(OutboxEntity, { queue, jobId: queueJobId(queue, payload), payload: payload as never, delayMs: 0 });
  await tx.query('SELECT pg_notify($1, $2)', [OUTBOX_CHANNEL, queue]);
}
