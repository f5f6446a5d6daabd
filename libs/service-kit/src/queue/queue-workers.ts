import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Worker } from 'bullmq';
import type { QueueName } from '@skyport/contracts';
import { REDIS_CONNECTION, SERVICE_CONFIG, SERVICE_LOGGER } from '../bootstrap/tokens';
import type { BaseConfig } from '../config/load-config';
import type { Logger } from '../logging/logger';
import { createWorker, type JobHandler } from './create-worker';
import { JobQueue } from './job-queue';
import type { Redis } from './redis-connection';

/**
 * The BullMQ workers of one service. Consumers register their handler while the module initialises; workers
 * start once the whole application is up, and a queue with two handlers in one service fails the start.
 * On shutdown, workers stop taking jobs and wait for in-flight ones, then the queue and Redis connections close.
 */
@Injectable()
export class QueueWorkers implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly handlers = new Map<QueueName, JobHandler<QueueName>>();
  private readonly workers: Worker[] = [];

  constructor(
    @Inject(REDIS_CONNECTION) private readonly redis: Redis,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
    @Inject(JobQueue) private readonly queue: JobQueue,
    @Inject(SERVICE_CONFIG) private readonly config: Partial<BaseConfig>,
  ) {}

  register<Q extends QueueName>(queue: Q, handler: JobHandler<Q>, ): void {
    if (this.handlers.has(queue)) throw new Error(`queue '${queue}' has two handlers in this service; each queue has exactly one`);
    this.handlers.set(queue, handler as unknown as JobHandler<QueueName>);
  }

  onApplicationBootstrap(): void {
    for (const [queue, handler] of this.handlers) {
      this.workers.push(createWorker(queue, handler, { connection: this.redis, logger: this.logger, lockSeconds: this.config.SKYPORT_QUEUE_LOCK_SECONDS }));
      this.logger.info({ queue }, 'consuming');
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close()));
    await this.queue.close();
    await this.redis.quit().catch(() => undefined);
  }
}
