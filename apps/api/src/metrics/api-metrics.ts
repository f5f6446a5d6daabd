import { Counter, Gauge, Histogram } from 'prom-client';
import { lazyMetric, metricsRegistry } from '@skyport/telemetry';

/** The registry's metric of that name, made now if this process has none yet (the api module may load twice in a test). */
function singleton<T>(name: string, make: () => T): T {
  return lazyMetric(name, make)();
}

/** Live values the scrape-time gauges read; set by the api module at start (the last started app in a test process). */
export interface MetricsSource {
  /** Whether this replica holds the lease for the system-wide gauges (the others export none of them). */
  readonly exportsGlobalGauges: boolean;
  oldestActiveRequests(): Promise<Array<{ kind: string; ageSeconds: number }>>;
  queueCounts(): Promise<Array<{ queue: string; state: string; count: number; oldestAgeSeconds: number }>>;
  launchQueue(): Promise<Array<{ team: string; count: number; oldestAgeSeconds: number }>>;
  requestCounts(): Promise<Array<{ kind: string; status: string; infra: string; count: number }>>;
}

let current: MetricsSource | undefined;
export function setMetricsSource(s: MetricsSource | undefined): void {
  current = s;
}

/** The source, when this replica exports the system-wide gauges. */
function leaderSource(): MetricsSource | undefined {
  return current?.exportsGlobalGauges ? current : undefined;
}

const registry = metricsRegistry;

export const apiMetrics = {
  requestDuration: singleton('skyport_api_request_duration_seconds',
    () =>
      new Histogram({
        name: 'skyport_api_request_duration_seconds',
        help: 'Latency of api requests by method, route and status (SSE streams count until they close).',
        labelNames: ['method', 'route', 'status'],
        buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
        registers: [registry],
      }),
  ),
  rateLimited: singleton('skyport_api_rate_limited_total', () => new Counter({ name: 'skyport_api_rate_limited_total', help: 'Requests refused with 429.', registers: [registry] })),
  launches: singleton('skyport_api_launches_total',
    () => new Counter({ name: 'skyport_api_launches_total', help: 'Launch requests by outcome at intake (accepted, queued, rejected).', labelNames: ['outcome'], registers: [registry] }),
  ),
  webhookDeliveries: singleton('skyport_webhook_deliveries_total',
    () => new Counter({ name: 'skyport_webhook_deliveries_total', help: 'Webhook delivery tries by outcome (delivered, retry, failed).', labelNames: ['outcome'], registers: [registry] }),
  ),
};

singleton('skyport_queue_jobs',
  () =>
    new Gauge({
      name: 'skyport_queue_jobs',
      help: 'BullMQ jobs per queue and state.',
      labelNames: ['queue', 'state'],
      registers: [registry],
      async collect() {
        this.reset();
        for (const row of (await leaderSource()?.queueCounts().catch(() => [])) ?? []) this.set({ queue: row.queue, state: row.state }, row.count);
      },
    }),
);

singleton('skyport_queue_oldest_waiting_seconds',
  () =>
    new Gauge({
      name: 'skyport_queue_oldest_waiting_seconds',
      help: 'Age of the oldest waiting job per BullMQ queue.',
      labelNames: ['queue'],
      registers: [registry],
      async collect() {
        this.reset();
        for (const row of (await leaderSource()?.queueCounts().catch(() => [])) ?? []) if (row.state === 'waiting') this.set({ queue: row.queue }, row.oldestAgeSeconds);
      },
    }),
);

singleton('skyport_launch_queue_depth',
  () =>
    new Gauge({
      name: 'skyport_launch_queue_depth',
      help: 'Launches waiting for their team quota, per team.',
      labelNames: ['team'],
      registers: [registry],
      async collect() {
        this.reset();
        for (const row of (await leaderSource()?.launchQueue().catch(() => [])) ?? []) this.set({ team: row.team }, row.count);
      },
    }),
);

singleton('skyport_launch_queue_oldest_seconds',
  () =>
    new Gauge({
      name: 'skyport_launch_queue_oldest_seconds',
      help: 'Age of the oldest launch waiting for quota, per team.',
      labelNames: ['team'],
      registers: [registry],
      async collect() {
        this.reset();
        for (const row of (await leaderSource()?.launchQueue().catch(() => [])) ?? []) this.set({ team: row.team }, row.oldestAgeSeconds);
      },
    }),
);

singleton('skyport_requests',
  () =>
    new Gauge({
      name: 'skyport_requests',
      help: 'Requests by kind, status (launches: their outcome) and infra of their cluster.',
      labelNames: ['kind', 'status', 'infra'],
      registers: [registry],
      async collect() {
        this.reset();
        for (const row of (await leaderSource()?.requestCounts().catch(() => [])) ?? []) this.set({ kind: row.kind, status: row.status, infra: row.infra }, row.count);
      },
    }),
);

singleton('skyport_requests_oldest_active_seconds',
  () =>
    new Gauge({
      name: 'skyport_requests_oldest_active_seconds',
      help: 'Seconds since the least recently updated PENDING request (not waiting for quota or capacity) last changed, per kind: a stuck launch, exec or down shows here.',
      labelNames: ['kind'],
      registers: [registry],
      async collect() {
        this.reset();
        for (const row of (await leaderSource()?.oldestActiveRequests().catch(() => [])) ?? []) this.set({ kind: row.kind }, row.ageSeconds);
      },
    }),
);
