import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { JobStatus } from '@skyport/contracts';
import type { KubeClientProvider } from '@skyport/kube';
import { SERVICE_CONFIG, SERVICE_LOGGER, runPeriodically, type Logger, type Periodic } from '@skyport/service-kit';
import type { LogsConfig } from '../config';
import { KUBE_PROVIDER } from '../kube.provider';
import { JobLogWorker } from './job-log.worker';
import { LogStore } from './log-store';

interface ActiveJob {
  cluster_name: string;
  job_id: number;
  infra: string | null;
  namespace: string | null;
}

/**
 * Finds the jobs whose output is not fully stored yet (running, or ended but not drained — also after a restart
 * of this service) and keeps one tailing worker per job.
 */
@Injectable()
export class LogTailer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly workers = new Map<string, Promise<void>>();
  private readonly store: LogStore;
  private periodic?: Periodic;
  private stopping = false;

  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(SERVICE_CONFIG) private readonly config: LogsConfig,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
    @Inject(KUBE_PROVIDER) private readonly kube: KubeClientProvider,
  ) {
    this.store = new LogStore(db);
  }

  onApplicationBootstrap(): void {
    this.periodic = runPeriodically(
      () => this.scan(),
      () => this.config.SKYPORT_LOGS_SCAN_MS,
      (error) => this.logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'log scan failed'),
    );
  }

  async scan(): Promise<void> {
    const jobs: ActiveJob[] = await this.db.query(
      `SELECT j.cluster_name, j.job_id, c.infra, c.namespace FROM jobs j JOIN clusters c ON c.name = j.cluster_name
       WHERE c.infra LIKE 'kubernetes/%' AND (j.status IN ($1, $2) OR (j.started_at IS NOT NULL AND j.ended_at > now() - interval '1 day'
         AND (SELECT count(*) FROM log_streams l WHERE l.cluster_name = j.cluster_name AND l.job_id = j.job_id AND l.done) < 2))
       ORDER BY j.submitted_at`,
      [JobStatus.SettingUp, JobStatus.Running],
    );
    for (const job of jobs) {
      const id = `${job.cluster_name}/${job.job_id}`;
      if (this.workers.has(id) || this.workers.size >= this.config.SKYPORT_LOGS_MAX_JOBS) continue;
      const worker = new JobLogWorker({ name: job.cluster_name, infra: job.infra, namespace: job.namespace }, job.job_id, {
        db: this.db,
        store: this.store,
        kube: this.kube,
        logger: this.logger,
        settings: { chunkBytes: this.config.SKYPORT_LOGS_CHUNK_BYTES, lineCap: this.config.SKYPORT_LOGS_LINE_CAP, idleMs: this.config.SKYPORT_LOGS_IDLE_MS },
        stopped: () => this.stopping,
      });
      this.workers.set(
        id,
        worker
          .run()
          .catch((error: unknown) => this.logger.warn({ job: id, err: error instanceof Error ? error.message : String(error) }, 'log worker stopped'))
          .finally(() => this.workers.delete(id)),
      );
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    this.periodic?.stop();
    await Promise.all(this.workers.values());
  }
}
