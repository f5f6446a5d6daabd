import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { SERVICE_CONFIG, SERVICE_LOGGER, type Logger } from '@skyport/service-kit';
import type { ApiConfig } from '../config';
import { QuotaService } from './quota.service';

/**
 * Re-checks queued launches against their team's quota: on a timer (a cluster that ended frees room) so the
 * head of each queue launches as soon as it fits. Cheap: one query when nothing waits.
 */
@Injectable()
export class QueueAdmitter implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private running = false;

  constructor(
    @Inject(QuotaService) private readonly quotas: QuotaService,
    @Inject(SERVICE_CONFIG) private readonly config: ApiConfig,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.pass(), this.config.SKYPORT_QUEUE_ADMIT_INTERVAL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
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
