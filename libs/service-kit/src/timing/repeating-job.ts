import { Queue, Worker } from 'bullmq';
import type { Logger } from '../logging/logger';
import type { Redis } from '../queue/redis-connection';

export interface RepeatingJobOptions {
  /** The BullMQ queue of this one job (a service's housekeeping, not a pipeline queue of @skyport/contracts). */
  queue: string;
  /** The scheduler's id, the queue's name unless a deployed version named it otherwise (a second id = twice the runs). */
  schedulerId?: string;
  everyMs: number;
  run: () => Promise<void>;
  connection: Redis;
  logger: Logger;
}

/**
 * Housekeeping that must run once per interval across all replicas (a sweep, a garbage collection): every replica
 * upserts the same BullMQ job scheduler (idempotent), BullMQ makes one job per interval and exactly one replica's
 * worker takes it, so no interval runs twice and none is lost while any replica is up. A failed run is logged; the
 * next interval runs again.
 */
export class RepeatingJob {
  private constructor(
    private readonly queue: Queue,
    private readonly worker: Worker,
  ) {}

  static async start(options: RepeatingJobOptions): Promise<RepeatingJob> {
    const { queue: name, connection, logger } = options;
    const queue = new Queue(name, { connection });
    const worker = new Worker(name, () => options.run(), { connection, concurrency: 1 });
    worker.on('error', (error) => logger.warn({ queue: name, err: error.message }, 'repeating job worker error'));
    worker.on('failed', (_job, error) => logger.warn({ queue: name, err: error.message }, 'repeating job failed; it runs again at the next interval'));
    try {
      const id = options.schedulerId ?? name;
      await queue.upsertJobScheduler(id, { every: Math.max(1, Math.round(options.everyMs)) }, { name: id, opts: { removeOnComplete: 10, removeOnFail: 10 } });
    } catch (error) {
      // Redis away at start: the next replica start (or restart) schedules it; the service itself keeps serving.
      logger.warn({ queue: name, err: error instanceof Error ? error.message : String(error) }, 'could not schedule a repeating job');
    }
    return new RepeatingJob(queue, worker);
  }

  /** Waits for a run in progress, then stops taking jobs (the scheduler stays for the other replicas). */
  async stop(): Promise<void> {
    await this.worker.close();
    await this.queue.close();
  }
}
