import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ClusterStatus, JobStatus, QueueName, RequestKind, RequestStatus, queueJobId, requestEventType, type QueuePayload } from '@skyport/contracts';
import { LIVE_REQUEST_STATUSES, askJobCancel, recordEvent, transitionRequest } from '@skyport/persistence';
import { JobQueue, SERVICE_CONFIG, SERVICE_LOGGER, runPeriodically, type Logger, type Periodic } from '@skyport/service-kit';
import type { AutodownConfig } from '../config';
import { SingletonLease } from '../singleton-lease';
import { liveQueueJobs } from './live-queue-jobs';
import { redriveFor, type QuietRequest, type Redrive } from './redrive-decision';
import { skyportMetrics } from '@skyport/telemetry';

const SOURCE = 'reconciler';

interface QuietRow {
  id: string;
  kind: RequestKind;
  status: RequestStatus;
  cluster_name: string;
  cluster_status: ClusterStatus | null;
  cluster_is_mine: boolean;
  plan_id: string | null;
  waiting: boolean;
}

/**
 * Every request reaches a terminal state: a leader-elected pass re-drives launches and teardowns that have been
 * quiet (no event) for the stale window and have no live queue job, from what Postgres says they are at. Queue
 * consumers are idempotent, so a re-driven step that had in fact just finished does nothing twice.
 */
@Injectable()
export class RequestReconcilerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private periodic?: Periodic;

  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(JobQueue) private readonly queue: JobQueue,
    @Inject(SERVICE_CONFIG) private readonly config: AutodownConfig,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
    @Inject(SingletonLease) private readonly lease: SingletonLease,
  ) {}

  onApplicationBootstrap(): void {
    this.periodic = runPeriodically(
      async () => {
        if (!this.lease.isLeader) return;
        await this.pass();
        // Only the leader's last success is exported: an alert on its age means "nobody is reconciling".
        skyportMetrics.reconcilerRuns().inc({ outcome: 'ok' });
        skyportMetrics.reconcilerLastSuccess().setToCurrentTime();
      },
      () => this.config.SKYPORT_RECONCILE_INTERVAL_SECONDS * 1000,
      (e) => {
        skyportMetrics.reconcilerRuns().inc({ outcome: 'error' });
        this.logger.warn({ err: e instanceof Error ? e.message : String(e) }, 'reconcile pass failed');
      },
    );
  }

  onApplicationShutdown(): void {
    this.periodic?.stop();
  }

  /** One pass; returns what it did per request (for tests and logs). */
  async pass(): Promise<Array<{ requestId: string; redrive: Redrive }>> {
    const rows = await this.quietRequests();
    if (rows.length === 0) return [];
    const live = await liveQueueJobs(this.queue);
    const done: Array<{ requestId: string; redrive: Redrive }> = [];
    for (const row of rows) {
      const request: QuietRequest = {
        id: row.id,
        kind: row.kind,
        status: row.status,
        clusterName: row.cluster_name,
        clusterStatus: row.cluster_status,
        clusterIsMine: row.cluster_is_mine,
        planId: row.plan_id,
        waiting: row.waiting,
        hasLiveJob: live.requestIds.has(row.id) || (row.kind === RequestKind.Down && live.teardownClusters.has(row.cluster_name)),
      };
      const redrive = redriveFor(request);
      if (redrive.action === 'none') continue;
      try {
        await this.apply(request, redrive);
        done.push({ requestId: row.id, redrive });
        skyportMetrics.reconcilerRedrives().inc({ kind: row.kind, action: redrive.action });
        this.logger.info({ requestId: row.id, cluster: row.cluster_name, action: redrive.action }, 're-drove a stuck request');
      } catch (e) {
        this.logger.warn({ requestId: row.id, err: e instanceof Error ? e.message : String(e) }, 'could not re-drive a stuck request; next pass tries again');
      }
    }
    return done;
  }

  private async quietRequests(): Promise<QuietRow[]> {
    const stale = this.config.SKYPORT_RECONCILE_STALE_SECONDS;
    return this.db.query(
      `SELECT r.id, r.kind, r.status, r.cluster_name, c.status AS cluster_status,
              (c.request_id IS NOT DISTINCT FROM r.id) AS cluster_is_mine,
              (SELECT p.id FROM plans p WHERE p.request_id = r.id ORDER BY p.created_at DESC LIMIT 1) AS plan_id,
              (EXISTS (SELECT 1 FROM launch_queue q WHERE q.request_id = r.id AND q.state = 'queued')
                OR EXISTS (SELECT 1 FROM capacity_waits w WHERE w.request_id = r.id)) AS waiting
         FROM requests r LEFT JOIN clusters c ON c.name = r.cluster_name
        WHERE r.status IN ($1, $2) AND r.kind IN ($3, $4, $6, $7)
          AND r.updated_at < now() - make_interval(secs => $5)
          AND NOT EXISTS (SELECT 1 FROM events e WHERE e.request_id = r.id AND e.created_at > now() - make_interval(secs => $5))
        ORDER BY r.created_at LIMIT 500`,
      [RequestStatus.Pending, RequestStatus.Running, RequestKind.Launch, RequestKind.Down, stale, RequestKind.Stop, RequestKind.Start],
    );
  }

  private async apply(r: QuietRequest, redrive: Redrive): Promise<void> {
    switch (redrive.action) {
      case 'optimize':
        await this.note(r, 'launch re-planned: its planning step was lost');
        await this.republish(QueueName.Optimize, { requestId: r.id, clusterName: r.clusterName });
        return;
      case 'provision':
        await this.note(r, 'launch re-driven: its provisioning step was lost');
        await this.republish(QueueName.Provision, { requestId: r.id, clusterName: r.clusterName, planId: redrive.planId });
        return;
      case 'teardown':
        await this.note(r, 'teardown re-driven: its step was lost');
        await this.republish(QueueName.Teardown, { clusterName: r.clusterName, requestId: r.id, reason: 'user' });
        return;
      case 'power':
        await this.note(r, `${redrive.op} re-driven: its step was lost`);
        await this.republish(QueueName.ClusterPower, { clusterName: r.clusterName, requestId: r.id, action: redrive.op, reason: 'user' });
        return;
      case 'fail':
        await this.finish(r, RequestStatus.Failed, redrive.message);
        return;
      case 'cancel':
        await this.finish(r, RequestStatus.Cancelled, redrive.message);
        return;
      case 'succeed':
        await this.finish(r, RequestStatus.Succeeded, redrive.message);
        return;
      default:
        return;
    }
  }

  /** The event comes first: it restarts the stale window, so the next pass leaves the request alone for a while. */
  private async note(r: QuietRequest, message: string): Promise<void> {
    await this.db.transaction((tx) => recordEvent(tx, SOURCE, { type: 'request.redriven', message, requestId: r.id, clusterName: r.clusterName }));
  }

  /** Publishes the step again under its usual id, first removing a failed or completed job that holds that id. */
  private async republish<Q extends QueueName>(queue: Q, payload: QueuePayload<Q>): Promise<void> {
    const jobId = queueJobId(queue, payload);
    const existing = await this.queue.queue(queue).getJob(jobId);
    if (existing) {
      const state = await existing.getState();
      if (state === 'failed' || state === 'completed' || state === 'unknown') await existing.remove();
      else return; // it came alive since the pass began
    }
    await this.queue.enqueue(queue, payload);
  }

  /**
   * Ends the request. Its jobs belong to the provisioner: those that never started are handed to its job runner as
   * cancel requests (as the api's cancel does), which ends them — FAILED when this request failed, else CANCELLED.
   * Its place in the team's queue (the api's QuotaService) and in the capacity queue (the optimizer) is not written
   * here either: both treat an entry whose request ended as gone, and their owners clear it.
   */
  private async finish(r: QuietRequest, status: RequestStatus, message: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const moved = await transitionRequest(tx, SOURCE, r.id, {
        from: LIVE_REQUEST_STATUSES,
        to: status,
        errorCode: status === RequestStatus.Failed ? 'CONFLICT' : null,
        errorMessage: status === RequestStatus.Succeeded ? null : message,
      });
      if (!moved) return;
      if (status !== RequestStatus.Succeeded) {
        const jobs: Array<{ cluster_name: string; job_id: number }> = await tx.query(
          `SELECT cluster_name, job_id FROM jobs WHERE request_id = $1 AND status IN ($2, $3) ORDER BY cluster_name, job_id`,
          [r.id, JobStatus.Init, JobStatus.Pending],
        );
        const byCluster = new Map<string, number[]>();
        for (const job of jobs) {
          await recordEvent(tx, SOURCE, {
            type: 'job.cancel_requested',
            message: `job ${job.job_id} on cluster '${job.cluster_name}' is to end: its request ${status === RequestStatus.Failed ? 'failed' : 'was cancelled'} (${message})`,
            requestId: r.id,
            clusterName: job.cluster_name,
            jobId: job.job_id,
          });
          byCluster.set(job.cluster_name, [...(byCluster.get(job.cluster_name) ?? []), job.job_id]);
        }
        for (const [clusterName, jobIds] of byCluster) await askJobCancel(tx, clusterName, jobIds, r.id);
      }
      await recordEvent(tx, SOURCE, { type: requestEventType(status), message, requestId: r.id, clusterName: r.clusterName });
    });
  }
}
