import { Worker, type Job } from 'bullmq';
import { QueueName, type QueuePayload } from '@skyport/contracts';
import type { Logger } from '../logging/logger';
import { MAX_STALLED_COUNT, WORKER_CONCURRENCY } from './job-options';
import type { Redis } from './redis-connection';

export type JobHandler<Q extends QueueName> = (payload: QueuePayload<Q>, job: Job<QueuePayload<Q>>) => Promise<void>;

/**
 * The typed consumer side: the handler receives exactly the payload type bound to the queue. Failures are logged
 * and rethrown, so BullMQ's retry and dead-letter handling take over; nothing is acknowledged silently.
 * `worker.close()` (on SIGTERM) waits for in-flight jobs to finish.
 */
export function createWorker<Q extends QueueName>(
  queue: Q,
  handler: JobHandler<Q>,
  deps: { connection: Redis; logger: Logger; concurrency?: number },
): Worker<QueuePayload<Q>> {
  const worker = new Worker<QueuePayload<Q>>(
    queue,
    async (job) => {
      const started = Date.now();
      try {
        await handler(job.data, job);
        deps.logger.debug({ queue, jobId: job.id, ms: Date.now() - started }, 'job done');
      } catch (error) {
        deps.logger.warn(
          { queue, jobId: job.id, attempt: job.attemptsMade + 1, err: error instanceof Error ? error.message : String(error) },
          'job failed',
        );
        throw error;
      }
    },
    { connection: deps.connection, concurrency: deps.concurrency ?? WORKER_CONCURRENCY[queue], autorun: true, maxStalledCount: MAX_STALLED_COUNT },
  );
  worker.on('error', (error) => deps.logger.error({ queue, err: error.message }, 'worker error'));
  return worker;
}
