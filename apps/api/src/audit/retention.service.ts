import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { REDIS_CONNECTION, RepeatingJob, SERVICE_CONFIG, SERVICE_LOGGER, type Logger, type Redis } from '@skyport/service-kit';
import type { ApiConfig } from '../config';
import { sweepRetention } from './retention-sweep';

/** Not a task queue of the pipeline (no payload in @skyport/contracts): the api's own housekeeping. */
export const RETENTION_QUEUE = 'skyport-retention';
const SCHEDULER_ID = 'retention-sweep';

/**
 * Runs the retention sweep every SKYPORT_RETENTION_INTERVAL_MINUTES as a RepeatingJob (a BullMQ job scheduler every
 * api replica upserts): exactly one replica sweeps each interval, so two replicas never sweep at once or twice.
 */
@Injectable()
export class RetentionService implements OnApplicationBootstrap, OnApplicationShutdown {
  private job?: RepeatingJob;

  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(REDIS_CONNECTION) private readonly redis: Redis,
    @Inject(SERVICE_CONFIG) private readonly config: ApiConfig,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const c = this.config;
    if (!c.SKYPORT_RETENTION_AUDIT_DAYS && !c.SKYPORT_RETENTION_EVENTS_DAYS && !c.SKYPORT_RETENTION_REQUESTS_DAYS) return;
    this.job = await RepeatingJob.start({
      queue: RETENTION_QUEUE,
      schedulerId: SCHEDULER_ID,
      everyMs: c.SKYPORT_RETENTION_INTERVAL_MINUTES * 60_000,
      run: () => this.sweep(),
      connection: this.redis,
      logger: this.logger,
    });
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
    await this.job?.stop();
  }
}
