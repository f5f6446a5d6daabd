import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { SERVICE_CONFIG, SERVICE_LOGGER, type Logger } from '@skyport/service-kit';
import type { ApiConfig } from '../config';
import { QuotaService } from './quota.service';
import { ANY_EVENT, EventWaiter } from '../events/event-waiter.service';

/**
 * Re-checks queued launches against their team's quota whenever an event is committed (a cluster that ended
 * frees room) and at least every SKYPORT_QUEUE_ADMIT_INTERVAL_MS, so the head of each queue launches as soon
 * as it fits. Cheap: one query when nothing waits.
 */
@Injectable()
export class QueueAdmitter implements OnApplicationBootstrap, OnApplicationShutdown {
  private running = false;
  private stopped = false;
  private readonly stopping = new AbortController();
  private loop?: Promise<void>;

  constructor(
    @Inject(QuotaService) private readonly quotas: QuotaService,
    @Inject(EventWaiter) private readonly waiter: EventWaiter,
    @Inject(SERVICE_CONFIG) private readonly config: ApiConfig,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.loop = (async () => {
      while (!this.stopped) {
        await this.waiter.waitFor(ANY_EVENT, this.config.SKYPORT_QUEUE_ADMIT_INTERVAL_MS, this.stopping.signal);
        if (!this.stopped) await this.pass();
      }
    })();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.stopping.abort();
    await this.loop;
  }

  async pass(): Promise<number> {
    if (this.running) return 0;
    this.running = true;
    let admitted = 0;
    try {
      for (const team of await this.quotas.teamsWithQueue()) admitted += await this.quotas.admitTeam(team);
    } catch (error) {
      this.logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'queue admission pass failed; will retry');
    } finally {
      this.running = false;
    }
    return admitted;
  }
}
