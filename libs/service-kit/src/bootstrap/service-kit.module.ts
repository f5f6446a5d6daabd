import { Global, Module, type DynamicModule } from '@nestjs/common';
import { QueueWorkers } from '../queue/queue-workers';
import type { Logger } from 'pino';
import type { BaseConfig } from '../config/load-config';
import { createLogger } from '../logging/logger';
import { JobQueue } from '../queue/job-queue';
import { PgListener } from '../notify/pg-listener';
import { createRedisConnection, type Redis } from '../queue/redis-connection';
import { REDIS_CONNECTION, SERVICE_CONFIG, SERVICE_LOGGER } from './tokens';
import { startServiceTracing, TracingLifecycle } from './tracing-lifecycle';

/**
 * What every Skyport service gets: its validated config, a logger, a Redis connection, the typed job queue and
 * the registry of its queue workers (which also closes the connections on shutdown), the process's one Postgres
 * LISTEN session (PgListener; opened on the first subscription), and tracing when configured.
 * Global, so feature modules inject these without re-importing.
 */
@Global()
@Module({})
export class ServiceKitModule {
  static forRoot<C extends BaseConfig>(serviceName: string, config: C, logger?: Logger): DynamicModule {
    const log = logger ?? createLogger(serviceName, config.SKYPORT_LOG_LEVEL);
    startServiceTracing(serviceName, log);
    return {
      module: ServiceKitModule,
      providers: [
        { provide: SERVICE_CONFIG, useValue: config },
        { provide: SERVICE_LOGGER, useValue: log },
        { provide: REDIS_CONNECTION, useFactory: () => createRedisConnection(config.SKYPORT_REDIS_URL, `skyport-${serviceName}`) },
        { provide: JobQueue, useFactory: (redis: Redis) => new JobQueue(redis), inject: [REDIS_CONNECTION] },
        QueueWorkers,
        { provide: PgListener, useFactory: () => new PgListener({ databaseUrl: config.SKYPORT_DATABASE_URL, applicationName: `skyport-${serviceName}-listen`, logger: log }) },
        TracingLifecycle,
      ],
      exports: [SERVICE_CONFIG, SERVICE_LOGGER, REDIS_CONNECTION, JobQueue, QueueWorkers, PgListener],
    };
  }
}
