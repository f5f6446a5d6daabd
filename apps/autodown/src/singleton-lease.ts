import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { LeaderLease, SERVICE_CONFIG, SERVICE_LOGGER, type Logger } from '@skyport/service-kit';
import type { AutodownConfig } from './config';

/**
 * The lease that makes autodown's housekeeping a singleton: the reaper and the request reconciler run only in the
 * replica that holds it, so two replicas or a rolling update never reap or re-drive twice. Timers (BullMQ delayed
 * jobs) are de-duplicated by id and need no lease.
 */
@Injectable()
export class SingletonLease implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly lease: LeaderLease;

  constructor(@Inject(SERVICE_CONFIG) config: AutodownConfig, @Inject(SERVICE_LOGGER) logger: Logger) {
    this.lease = new LeaderLease({
      databaseUrl: config.SKYPORT_DATABASE_URL,
      name: 'autodown.singletons',
      logger,
      checkIntervalMs: Math.min(5_000, config.SKYPORT_RECONCILE_INTERVAL_SECONDS * 1000, config.SKYPORT_REAPER_INTERVAL_SECONDS * 1000),
    });
  }

  get isLeader(): boolean {
    return this.lease.isLeader;
  }

  onApplicationBootstrap(): void {
    this.lease.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.lease.stop();
  }
}
