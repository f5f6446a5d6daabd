import { Counter, Gauge, Histogram } from 'prom-client';
import { lazyMetric, metricsRegistry as registry } from './registry';

/**
 * Every Skyport domain metric, named once (Prometheus conventions: `skyport_` prefix, base units, `_total` for
 * counters). Dashboards and alerts in deploy/helm refer to these names; a test checks that they all exist here.
 */

/** Informers report their staleness at scrape time (libs/kube registers each live informer here). */
export type InformerLagSource = () => Array<{ context: string; resource: string; seconds: number }>;
const informerLagSources = new Set<InformerLagSource>();
export function addInformerLagSource(source: InformerLagSource): () => void {
  skyportMetrics.informerLagSeconds(); // registered with the first informer, so a scrape reads the sources
  informerLagSources.add(source);
  return () => informerLagSources.delete(source);
}

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const PHASE_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800];

/** Launch phases, in order: waiting for the optimizer, planning, provisioning, UP until the first job runs, and all of it. */
export type LaunchPhase = 'queued' | 'plan' | 'provision' | 'start_job' | 'total';

export const skyportMetrics = {
  // ---- launches (optimizer and provisioner) ----
  launchPhaseSeconds: lazyMetric(
    'skyport_launch_phase_duration_seconds',
    () =>
      new Histogram({
        name: 'skyport_launch_phase_duration_seconds',
        help: 'Duration of each launch phase: queued (accepted until planned), plan, provision (until UP), start_job (UP until the job runs), total (accepted until the job runs).',
        labelNames: ['phase', 'provider'],
        buckets: PHASE_BUCKETS,
        registers: [registry],
      }),
  ),
  launchesFinished: lazyMetric(
    'skyport_launches_finished_total',
    () =>
      new Counter({
        name: 'skyport_launches_finished_total',
        help: 'Launches that reached an outcome in the provisioner: up, failed, cancelled (down won the race), waiting (--no-burst, back to waiting for capacity).',
        labelNames: ['outcome', 'provider'],
        registers: [registry],
      }),
  ),
  failovers: lazyMetric(
    'skyport_launch_failovers_total',
    () =>
      new Counter({
        name: 'skyport_launch_failovers_total',
        help: 'Candidates a launch gave up on and moved past, by the provider of the failed candidate and the error code.',
        labelNames: ['provider', 'reason'],
        registers: [registry],
      }),
  ),
  bursts: lazyMetric(
    'skyport_bursts_total',
    () => new Counter({ name: 'skyport_bursts_total', help: 'Clusters that came up on a cloud rather than Kubernetes, by cloud.', labelNames: ['cloud'], registers: [registry] }),
  ),

  // ---- queues (every service with workers) ----
  queueJobSeconds: lazyMetric(
    'skyport_queue_job_duration_seconds',
    () =>
      new Histogram({
        name: 'skyport_queue_job_duration_seconds',
        help: 'Time a worker spent on a BullMQ job, by queue and outcome (done, failed).',
        labelNames: ['queue', 'outcome'],
        buckets: PHASE_BUCKETS,
        registers: [registry],
      }),
  ),
  queueJobWaitSeconds: lazyMetric(
    'skyport_queue_job_wait_seconds',
    () =>
      new Histogram({
        name: 'skyport_queue_job_wait_seconds',
        help: 'Time a BullMQ job waited between becoming due and a worker taking it, by queue.',
        labelNames: ['queue'],
        buckets: LATENCY_BUCKETS,
        registers: [registry],
      }),
  ),

  // ---- gRPC (every server) ----
  grpcHandled: lazyMetric(
    'skyport_grpc_server_handled_total',
    () =>
      new Counter({ name: 'skyport_grpc_server_handled_total', help: 'gRPC calls served, by method and status code.', labelNames: ['method', 'code'], registers: [registry] }),
  ),
  grpcSeconds: lazyMetric(
    'skyport_grpc_server_handling_seconds',
    () =>
      new Histogram({
        name: 'skyport_grpc_server_handling_seconds',
        help: 'Time to serve a unary gRPC call (streams: until they end), by method.',
        labelNames: ['method'],
        buckets: LATENCY_BUCKETS,
        registers: [registry],
      }),
  ),

  // ---- Kubernetes (libs/kube) ----
  kubeRequests: lazyMetric(
    'skyport_kube_requests_total',
    () =>
      new Counter({
        name: 'skyport_kube_requests_total',
        help: 'Kubernetes API calls, by verb, resource and outcome (ok or the translated error kind).',
        labelNames: ['verb', 'resource', 'outcome'],
        registers: [registry],
      }),
  ),
  kubeRequestSeconds: lazyMetric(
    'skyport_kube_request_duration_seconds',
    () =>
      new Histogram({
        name: 'skyport_kube_request_duration_seconds',
        help: 'Latency of Kubernetes API calls, by verb and resource.',
        labelNames: ['verb', 'resource'],
        buckets: LATENCY_BUCKETS,
        registers: [registry],
      }),
  ),
  informerEvents: lazyMetric(
    'skyport_informer_events_total',
    () =>
      new Counter({ name: 'skyport_informer_events_total', help: 'Watch events received by informers, by resource and type.', labelNames: ['resource', 'type'], registers: [registry] }),
  ),
  informerLagSeconds: lazyMetric(
    'skyport_informer_lag_seconds',
    () =>
      new Gauge({
        name: 'skyport_informer_lag_seconds',
        help: 'How stale each informer cache may be: 0 while its watch is connected, else seconds since it last was; grows while the API server is unreachable.',
        labelNames: ['context', 'resource'],
        registers: [registry],
        collect() {
          this.reset();
          for (const source of informerLagSources) for (const row of source()) this.set({ context: row.context, resource: row.resource }, row.seconds);
        },
      }),
  ),

  // ---- exec and streams (logs, api) ----
  execs: lazyMetric(
    'skyport_execs_total',
    () =>
      new Counter({
        name: 'skyport_execs_total',
        help: 'Commands run in task pods or VMs (job starts, log tails, ssh sessions), by purpose and outcome.',
        labelNames: ['purpose', 'outcome'],
        registers: [registry],
      }),
  ),
  activeStreams: lazyMetric(
    'skyport_streams_active',
    () => new Gauge({ name: 'skyport_streams_active', help: 'Open client streams (followed logs, event streams, ssh), by kind.', labelNames: ['kind'], registers: [registry] }),
  ),
  logLines: lazyMetric(
    'skyport_log_lines_total',
    () => new Counter({ name: 'skyport_log_lines_total', help: 'Job log lines stored by the log aggregator.', registers: [registry] }),
  ),

  // ---- reconciler and autodown ----
  reconcilerRuns: lazyMetric(
    'skyport_reconciler_runs_total',
    () => new Counter({ name: 'skyport_reconciler_runs_total', help: 'Reconciler passes by the leader, by outcome (ok, error).', labelNames: ['outcome'], registers: [registry] }),
  ),
  reconcilerRedrives: lazyMetric(
    'skyport_reconciler_redrives_total',
    () =>
      new Counter({ name: 'skyport_reconciler_redrives_total', help: 'Requests the reconciler re-drove or closed, by request kind and action.', labelNames: ['kind', 'action'], registers: [registry] }),
  ),
  reconcilerLastSuccess: lazyMetric(
    'skyport_reconciler_last_success_timestamp_seconds',
    () =>
      new Gauge({
        name: 'skyport_reconciler_last_success_timestamp_seconds',
        help: 'When the reconciler last finished a pass without error (Unix time); exported by the leader only.',
        registers: [registry],
      }),
  ),
  autodownTeardowns: lazyMetric(
    'skyport_autodown_teardowns_total',
    () => new Counter({ name: 'skyport_autodown_teardowns_total', help: 'Clusters autodown took down or stopped, by reason.', labelNames: ['reason'], registers: [registry] }),
  ),
};
