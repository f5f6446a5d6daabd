import { Worker, type Job } from 'bullmq';
import { QueueName, type QueuePayload } from '@skyport/contracts';
import { contextFromCarrier, skyportMetrics, SpanKind, withSpan, type TraceCarrier } from '@skyport/telemetry';
import type { Logger } from '../logging/logger';
import { MAX_STALLED_COUNT, WORKER_CONCURRENCY } from './job-options';
import { TRACE_DATA_KEY } from './job-queue';
import type { Redis } from './redis-connection';

export type JobHandler<Q extends QueueName> = (payload: QueuePayload<Q>, job: Job<QueuePayload<Q>>) => Promise<void>;

/**
 * The typed consumer side: the handler receives exactly the payload type bound to the queue. Failures are logged
 * and rethrown, so BullMQ's retry and dead-letter handling take over; nothing is acknowledged silently.
 * `worker.close()` (on SIGTERM) waits for in-flight jobs to finish. Each job runs in a span continuing the trace
 * that enqueued it, and its wait and run times go to the queue histograms.
 */
export function createWorker<Q extends QueueName>(
  queue: Q,
  handler: JobHandler<Q>,
  deps: { connection: Redis; logger: Logger; concurrency?: number; lockSeconds?: number },
): Worker<QueuePayload<Q>> {
  const worker = new Worker<QueuePayload<Q>>(
    queue,
    async (job) => {
      const started = Date.now();
      // Due at its timestamp plus its delay; a retry's backoff counts as waiting too, which is what an operator sees.
      skyportMetrics.queueJobWaitSeconds().observe({ queue }, Math.max(0, started - job.timestamp - (job.opts.delay ?? 0)) / 1000);
      const carrier = Reflect.get(job.data, TRACE_DATA_KEY) as TraceCarrier | undefined;
      const attributes = { 'messaging.system': 'bullmq', 'messaging.destination.name': queue, 'messaging.message.id': String(job.id), 'skyport.job.attempt': job.attemptsMade + 1 };
      await withSpan(`process ${queue}`, { kind: SpanKind.CONSUMER, parent: contextFromCarrier(carrier), attributes }, async () => {
        try {
          await handler(job.data, job);
          skyportMetrics.queueJobSeconds().observe({ queue, outcome: 'done' }, (Date.now() - started) / 1000);
          deps.logger.debug({ queue, jobId: job.id, ms: Date.now() - started }, 'job done');
        } catch (error) {
          skyportMetrics.queueJobSeconds().observe({ queue, outcome: 'failed' }, (Date.now() - started) / 1000);
          deps.logger.warn(
            { queue, jobId: job.id, attempt: job.attemptsMade + 1, err: error instanceof Error ? error.message : String(error) },
            'job failed',
          );
          throw error;
        }
      });
    },
    {
      connection: deps.connection,
      concurrency: deps.concurrency ?? WORKER_CONCURRENCY[queue],
      autorun: true,
      maxStalledCount: MAX_STALLED_COUNT,
      ...(deps.lockSeconds ? { lockDuration: deps.lockSeconds * 1000, stalledInterval: deps.lockSeconds * 1000 } : {}),
    },
  );
  worker.on('error', (error) => deps.logger.error({ queue, err: error.message }, 'worker error'));
  return worker;
}
