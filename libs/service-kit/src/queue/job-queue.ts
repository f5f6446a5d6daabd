import { Queue } from 'bullmq';
import { QueueName, queueJobId, type QueuePayload } from '@skyport/contracts';
import { currentTraceCarrier, type TraceCarrier } from '@skyport/telemetry';
import { jobOptionsFor } from './job-options';
import type { Redis } from './redis-connection';

export interface EnqueueOptions {
  /** Run no earlier than this many milliseconds from now. */
  delayMs?: number;
  /** Override the de-duplication id (defaults to `queueJobId(queue, payload)`). */
  jobId?: string;
  /** The trace the job continues (an outbox row's); defaults to the active one. */
  trace?: TraceCarrier;
}

/**
 * The job data's field that carries W3C trace context (`traceparent`, `tracestate`) beside the payload, so a worker
 * continues the trace of whatever enqueued the job. It is not part of the payload and not in its de-duplication id.
 */
export const TRACE_DATA_KEY = 'traceContext';

/** The typed producer side of every queue: a payload can only go to the queue it belongs to. */
export class JobQueue {
  private readonly queues = new Map<QueueName, Queue>();

  constructor(private readonly connection: Redis) {}

  async enqueue<Q extends QueueName>(queue: Q, payload: QueuePayload<Q>, options: EnqueueOptions = {}): Promise<string> {
    const jobId = options.jobId ?? queueJobId(queue, payload);
    const trace = options.trace ?? currentTraceCarrier();
    const data = trace.traceparent ? { ...payload, [TRACE_DATA_KEY]: trace } : payload;
    await this.queue(queue).add(queue, data, { ...jobOptionsFor(queue), jobId, delay: options.delayMs });
    return jobId;
  }

  /**
   * Several jobs of one queue in one Redis round trip (BullMQ `addBulk`: the same per-job script as `add`, so the
   * de-duplication by job id is the same); each job as `enqueue` would add it.
   */
  async enqueueMany<Q extends QueueName>(queue: Q, jobs: ReadonlyArray<{ payload: QueuePayload<Q>; options?: EnqueueOptions }>): Promise<string[]> {
    if (jobs.length === 0) return [];
    const opts = jobOptionsFor(queue);
    const bulk = jobs.map(({ payload, options = {} }) => {
      const jobId = options.jobId ?? queueJobId(queue, payload);
      const trace = options.trace ?? currentTraceCarrier();
      const data = trace.traceparent ? { ...payload, [TRACE_DATA_KEY]: trace } : payload;
      return { name: queue, data, opts: { ...opts, jobId, delay: options.delayMs } };
    });
    await this.queue(queue).addBulk(bulk);
    return bulk.map((b) => b.opts.jobId);
  }

  /** Removes a delayed job (an autodown timer superseded by new activity). Missing jobs are fine. */
  async remove(queue: QueueName, jobId: string): Promise<void> {
    const job = await this.queue(queue).getJob(jobId);
    if (job) await job.remove().catch(() => undefined);
  }

  queue(name: QueueName): Queue {
    let q = this.queues.get(name);
    if (!q) {
      q = new Queue(name, { connection: this.connection });
      this.queues.set(name, q);
    }
    return q;
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
  }
}
