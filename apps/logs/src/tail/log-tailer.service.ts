import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { JobStatus } from '@skyport/contracts';
import { SERVICE_CONFIG, SERVICE_LOGGER, runPeriodically, type Logger, type Periodic } from '@skyport/service-kit';
import type { LogsConfig } from '../config';
import { JobLogWorker } from './job-log.worker';
import { LogStore } from './log-store';
import { NODE_LOG_SOURCE_PROVIDERS, type NodeLogSourceProvider } from './node-log-source';

interface ActiveJob {
  cluster_name: string;
  job_id: number;
  infra: string | null;
  namespace: string | null;
  num_nodes: number | null;
}

/** How long a node's stream may outlive its phase by the job's state before it is closed and read once more. */
const END_GRACE_MS = 10_000;

/**
 * Finds the jobs whose output is not fully stored yet (running, or ended but not drained — also after a restart
 * of this service) on clusters some `NodeLogSourceProvider` reaches, and keeps one tailing worker per job.
 */
@Injectable()
export class LogTailer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly workers = new Map<string, { worker: JobLogWorker; done: Promise<void> }>();
  private readonly store: LogStore;
  private periodic?: Periodic;
  private stopping = false;
  private capWarnedAt = 0;

  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(SERVICE_CONFIG) private readonly config: LogsConfig,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
    @Inject(NODE_LOG_SOURCE_PROVIDERS) private readonly sources: NodeLogSourceProvider[],
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
      `SELECT j.cluster_name, j.job_id, c.infra, c.namespace, c.num_nodes FROM jobs j JOIN clusters c ON c.name = j.cluster_name
       WHERE (j.status IN ($1, $2) OR (j.started_at IS NOT NULL AND j.ended_at > now() - interval '1 day'
         AND (SELECT count(*) FROM log_streams l WHERE l.cluster_name = j.cluster_name AND l.job_id = j.job_id AND l.done) < 2))
       ORDER BY j.submitted_at`,
      [JobStatus.SettingUp, JobStatus.Running],
    );
    let waiting = 0;
    for (const job of jobs) {
      const id = `${job.cluster_name}/${job.job_id}`;
      if (this.workers.has(id)) continue;
      if (this.workers.size >= this.config.SKYPORT_LOGS_MAX_JOBS) {
        waiting++;
        continue;
      }
      const sources = this.sources.find((s) => s.handles(job.infra));
      if (!sources) continue;
      const worker = new JobLogWorker({ name: job.cluster_name, infra: job.infra, namespace: job.namespace, numNodes: job.num_nodes ?? undefined }, job.job_id, {
        db: this.db,
        store: this.store,
        sources,
        logger: this.logger,
        settings: {
          chunkBytes: this.config.SKYPORT_LOGS_CHUNK_BYTES,
          lineCap: this.config.SKYPORT_LOGS_LINE_CAP,
          idleMs: this.config.SKYPORT_LOGS_IDLE_MS,
          endGraceMs: END_GRACE_MS,
        },
        stopped: () => this.stopping,
      });
      const done = worker
        .run()
        .catch((error: unknown) => this.logger.warn({ job: id, err: error instanceof Error ? error.message : String(error) }, 'log worker stopped'))
        .finally(() => this.workers.delete(id));
      this.workers.set(id, { worker, done });
    }
    // Not silent: their output is stored later (nothing is lost, the files stay on the nodes), but not live.
    if (waiting > 0 && Date.now() - this.capWarnedAt > 60_000) {
      this.capWarnedAt = Date.now();
      this.logger.warn({ tailing: this.workers.size, waiting, max: this.config.SKYPORT_LOGS_MAX_JOBS }, 'SKYPORT_LOGS_MAX_JOBS reached: some jobs wait to be tailed');
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    this.periodic?.stop();
    const running = [...this.workers.values()];
    for (const w of running) w.worker.stop();
    await Promise.all(running.map((w) => w.done));
  }
}
