import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { REDIS_CONNECTION, RepeatingJob, SERVICE_CONFIG, SERVICE_LOGGER, type Logger, type Redis } from '@skyport/service-kit';
import type { ApiConfig } from '../config';
import { BlobService } from './blob.service';

/** Not a task queue of the pipeline (no payload in @skyport/contracts): the api's own housekeeping. */
export const BLOB_GC_QUEUE = 'skyport-blob-gc';

/**
 * Deletes uploads nothing refers to any more, every SKYPORT_BLOB_GC_INTERVAL_SECONDS, as a RepeatingJob: one api
 * replica per interval (collectGarbage's advisory lock still makes a second one skip, as it did when every
 * replica ran its own timer).
 */
@Injectable()
export class BlobGc implements OnApplicationBootstrap, OnApplicationShutdown {
  private job?: RepeatingJob;

  constructor(
    @Inject(BlobService) private readonly blobs: BlobService,
    @Inject(REDIS_CONNECTION) private readonly redis: Redis,
    @Inject(SERVICE_CONFIG) private readonly config: ApiConfig,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.job = await RepeatingJob.start({
      queue: BLOB_GC_QUEUE,
      everyMs: this.config.SKYPORT_BLOB_GC_INTERVAL_SECONDS * 1000,
      run: async () => {
        const r = await this.blobs.collectGarbage();
        if (r.manifests || r.blobs) this.logger.info(r, 'blob GC deleted unreferenced uploads');
      },
      connection: this.redis,
      logger: this.logger,
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.job?.stop();
  }
}
