import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { QueueName } from '@skyport/contracts';
import { JobQueue } from '@skyport/service-kit';
import { setMetricsSource, type MetricsSource } from './api-metrics';

const STATES = ['waiting', 'active', 'delayed', 'failed', 'prioritized'] as const;

/** Feeds the scrape-time gauges: BullMQ queue depths and ages, the quota queue, requests by outcome and infra. */
@Injectable()
export class MetricsSourceService implements MetricsSource, OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(JobQueue) private readonly queues: JobQueue,
  ) {}

  onApplicationBootstrap(): void {
    setMetricsSource(this);
  }

  onApplicationShutdown(): void {
    setMetricsSource(undefined);
  }

  async queueCounts(): Promise<Array<{ queue: string; state: string; count: number; oldestAgeSeconds: number }>> {
    const out: Array<{ queue: string; state: string; count: number; oldestAgeSeconds: number }> = [];
    for (const name of Object.values(QueueName)) {
      const queue = this.queues.queue(name);
      const counts = await queue.getJobCounts(...STATES);
      const oldest = (await queue.getJobs(['waiting'], 0, 0, true))[0];
      for (const state of STATES) {
        out.push({ queue: name, state, count: counts[state] ?? 0, oldestAgeSeconds: state === 'waiting' && oldest ? Math.max(0, (Date.now() - oldest.timestamp) / 1000) : 0 });
      }
    }
    return out;
  }

  async launchQueue(): Promise<Array<{ team: string; count: number; oldestAgeSeconds: number }>> {
    const rows: Array<{ team: string; n: number; age: number }> = await this.db.query(
      `SELECT team, count(*)::int AS n, EXTRACT(EPOCH FROM now() - min(enqueued_at))::float AS age FROM launch_queue WHERE state = 'queued' GROUP BY team`,
    );
    return rows.map((r) => ({ team: r.team, count: Number(r.n), oldestAgeSeconds: Number(r.age) }));
  }

  async requestCounts(): Promise<Array<{ kind: string; status: string; infra: string; count: number }>> {
    const rows: Array<{ kind: string; status: string; infra: string | null; n: number }> = await this.db.query(
      `SELECT r.kind, r.status, split_part(COALESCE(c.infra, 'none'), '/', 1) AS infra, count(*)::int AS n
         FROM requests r LEFT JOIN clusters c ON c.name = r.cluster_name GROUP BY 1, 2, 3`,
    );
    return rows.map((r) => ({ kind: r.kind, status: r.status, infra: r.infra ?? 'none', count: Number(r.n) }));
  }
}
