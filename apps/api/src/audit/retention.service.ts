import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Queue, Worker } from 'bullmq';
import { DataSource } from 'typeorm';
import { REDIS_CONNECTION, SERVICE_CONFIG, SERVICE_LOGGER, type Logger, type Redis } from '@skyport/service-kit';
import type { ApiConfig } from '../config';
import { sweepRetention } from './retention-sweep';

/** Not a task queue of the pipeline (no payload in @skyport/contracts): the api's own housekeeping. */
export const RETENTION_QUEUE = 'skyport-retention';
const SCHEDULER_ID = 'retention-sweep';

/**
 * Runs the retention sweep every SKYPORT_RETENTION_INTERVAL_MINUTES through a BullMQ job scheduler: every api
 * replica upserts the same scheduler (idempotent), BullMQ makes one job per interval, and exactly one replica's
 * worker takes it — so two replicas never sweep at once or twice.
 */
@Injectable()
export class RetentionService implements OnApplicationBootstrap, OnApplicationShutdown {
  private queue?: Queue;
  private worker?: Worker;

  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(REDIS_CONNECTION) private readonly redis: Redis,
    @Inject(SERVICE_CONFIG) private readonly config: ApiConfig,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const c = this.config;
    if (!c.SKYPORT_RETENTION_AUDIT_DAYS && !c.SKYPORT_RETENTION_EVENTS_DAYS && !c.SKYPORT_RETENTION_REQUESTS_DAYS) return;
    this.queue = new Queue(RETENTION_QUEUE, { connection: this.redis });
    this.worker = new Worker(RETENTION_QUEUE, () => this.sweep(), { connection: this.redis, concurrency: 1 });
    this.worker.on('error', (error) => this.logger.warn({ err: error.message }, 'retention worker error'));
    try {
      await this.queue.upsertJobScheduler(
        SCHEDULER_ID,
        { every: Math.round(c.SKYPORT_RETENTION_INTERVAL_MINUTES * 60_000) },
        { name: SCHEDULER_ID, opts: { removeOnComplete: 10, removeOnFail: 10 } },
      );
    } catch (error) {
      // Redis away at start: the next replica start (or restart) schedules it; the api itself keeps serving.
      this.logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'could not schedule the retention sweep');
    }
  }

  async sweep(): Promise<void> {
    const c = this.config;
    const started = Date.now();
    const result = await sweepRetention(this.db, {
      auditDays: c.SKYPORT_RETENTION_AUDIT_DAYS,
      eventsDays: c.SKYPORT_RETENTION_EVENTS_DAYS,
      requestsDays: c.SKYPORT_RETENTION_REQUESTS_DAYS,
      batch: c.SKYPORT_RETENTION_BATCH,
    });
    this.logger.info({ ...result, ms: Date.now() - started }, 'retention sweep done');
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker?.close();
    await this.queue?.close();
  }
}
