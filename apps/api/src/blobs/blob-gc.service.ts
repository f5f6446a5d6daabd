import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { SERVICE_CONFIG, SERVICE_LOGGER, runPeriodically, type Logger, type Periodic } from '@skyport/service-kit';
import type { ApiConfig } from '../config';
import { BlobService } from './blob.service';

/** Deletes uploads nothing refers to any more, every SKYPORT_BLOB_GC_INTERVAL_SECONDS (one replica at a time). */
@Injectable()
export class BlobGc implements OnApplicationBootstrap, OnApplicationShutdown {
  private periodic?: Periodic;

  constructor(
    @Inject(BlobService) private readonly blobs: BlobService,
    @Inject(SERVICE_CONFIG) private readonly config: ApiConfig,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.periodic = runPeriodically(
      async () => {
        const r = await this.blobs.collectGarbage();
        if (r.manifests || r.blobs) this.logger.info(r, 'blob GC deleted unreferenced uploads');
      },
      () => this.config.SKYPORT_BLOB_GC_INTERVAL_SECONDS * 1000,
      (e) => this.logger.warn({ err: e instanceof Error ? e.message : String(e) }, 'blob GC failed; retrying at the next interval'),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.periodic?.stop();
  }
}
