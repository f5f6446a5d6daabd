import { Queue } from 'bullmq';
import { QueueName, queueJobId, type QueuePayload } from '@skyport/contracts';
import { jobOptionsFor } from './job-options';
import type { Redis } from './redis-connection';

export interface EnqueueOptions {
  /** Run no earlier than this many milliseconds from now. */
  delayMs?: number;
  /** Override the de-duplication id (defaults to `queueJobId(queue, payload)`). */
  jobId?: string;
}

/** The typed producer side of every queue: a payload can only go to the queue it belongs to. */
export class JobQueue {
  private readonly queues = new Map<QueueName, Queue>();

  constructor(private readonly connection: Redis) {}

  async enqueue<Q extends QueueName>(queue: Q, payload: QueuePayload<Q>, options: EnqueueOptions = {}): Promise<string> {
    const jobId = options.jobId ?? queueJobId(queue, payload);
    await this.queue(queue).add(queue, payload, { ...jobOptionsFor(queue), jobId, delay: options.delayMs });
    return jobId;
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
