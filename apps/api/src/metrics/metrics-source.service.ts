import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { QueueName } from '@skyport/contracts';
import { JobQueue, LeaderLease, SERVICE_CONFIG, SERVICE_LOGGER, type Logger } from '@skyport/service-kit';
import type { ApiConfig } from '../config';
import { setMetricsSource, type MetricsSource } from './api-metrics';

const STATES = ['waiting', 'active', 'delayed', 'failed', 'prioritized'] as const;

/**
 * Feeds the scrape-time gauges: BullMQ queue depths and ages, the quota queue, requests by outcome and infra, the
 * oldest request still in flight. These describe the whole system, not this replica, so only the replica holding
 * the `api.global-metrics` lease exports them: summing over replicas stays right, and each scrape costs the
 * database and Redis once, not once per replica.
 */
@Injectable()
export class MetricsSourceService implements MetricsSource, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly lease: LeaderLease;

  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(JobQueue) private readonly queues: JobQueue,
    @Inject(SERVICE_CONFIG) config: ApiConfig,
    @Inject(SERVICE_LOGGER) logger: Logger,
  ) {
    this.lease = new LeaderLease({ databaseUrl: config.SKYPORT_DATABASE_URL, name: 'api.global-metrics', logger });
  }

  get exportsGlobalGauges(): boolean {
    return this.lease.isLeader;
  }

  onApplicationBootstrap(): void {
    this.lease.start();
    setMetricsSource(this);
  }

  async onApplicationShutdown(): Promise<void> {
    setMetricsSource(undefined);
    await this.lease.stop();
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

  async oldestActiveRequests(): Promise<Array<{ kind: string; ageSeconds: number }>> {
    const rows: Array<{ kind: string; age: number }> = await this.db.query(
      // PENDING and not deliberately waiting (for the team's quota or for capacity under --no-burst): a request
      // here for long is stuck. RUNNING ones are not counted: a job may rightly run for days.
      `SELECT r.kind, EXTRACT(EPOCH FROM now() - min(r.updated_at))::float AS age FROM requests r
        WHERE r.status = 'PENDING'
          AND NOT EXISTS (SELECT 1 FROM launch_queue q WHERE q.request_id = r.id AND q.state = 'queued')
          AND NOT EXISTS (SELECT 1 FROM capacity_waits w WHERE w.request_id = r.id)
        GROUP BY r.kind`,
    );
    return rows.map((r) => ({ kind: r.kind, ageSeconds: Number(r.age) }));
  }

  async requestCounts(): Promise<Array<{ kind: string; status: string; infra: string; count: number }>> {
    const rows: Array<{ kind: string; status: string; infra: string | null; n: number }> = await this.db.query(
      `SELECT r.kind, r.status, split_part(COALESCE(c.infra, 'none'), '/', 1) AS infra, count(*)::int AS n
         FROM requests r LEFT JOIN clusters c ON c.name = r.cluster_name GROUP BY 1, 2, 3`,
    );
    return rows.map((r) => ({ kind: r.kind, status: r.status, infra: r.infra ?? 'none', count: Number(r.n) }));
  }
}
