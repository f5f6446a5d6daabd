import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import {
  CancelBodySchema,
  ClusterStatus,
  ErrorCode,
  QueueName,
  readRestBody,
  RequestKind,
  RequestStatus,
  SkyportError,
  TERMINAL_JOB_STATUSES,
} from '@skyport/contracts';
import { ClusterEntity, JobEntity, LIVE_REQUEST_STATUSES, RequestEntity, askJobCancel, recordEvent, transitionRequest } from '@skyport/persistence';
import type { Principal } from '../auth/principal';
import { addToOutbox } from '../outbox/add-to-outbox';
import { QuotaService } from '../quota/quota.service';
import { bodyHash } from '../http/body-hash';
import { ClustersService } from './clusters.service';
import type { CancelAccepted, CancelBody, DownAccepted, PowerAccepted } from './clusters.dto';
import { acceptPowerChange } from './cluster-power';

const SOURCE = 'api';
/** Requests that are not launches or execs; the requests table keeps the kind as text. */
const CANCEL_KIND = 'cancel' as RequestKind;

/** `{"jobIds": [1, 2]}` or `{"all": true}`, read with its contract schema. */
export function readCancelBody(raw: unknown): CancelBody {
  return readRestBody(CancelBodySchema, raw);
}

/**
 * Cancel and down: each is a request row, an event and the hand-off to the provisioner in one transaction.
 * Cancel writes `job_cancel_requests` rows (the job runner stops the processes and records the outcome); down
 * enqueues `teardown` through the outbox. A launch still waiting in its team's queue is simply taken out.
 */
@Injectable()
export class ClusterActionsService {
  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(ClustersService) private readonly clusters: ClustersService,
    @Inject(QuotaService) private readonly quotas: QuotaService,
  ) {}

  async cancel(principal: Principal, clusterName: string, body: CancelBody): Promise<CancelAccepted> {
    await this.clusters.find(principal, clusterName);
    return this.db.transaction(async (tx) => {
      const jobs = await tx.find(JobEntity, { where: { clusterName }, order: { jobId: 'ASC' } });
      const byId = new Map(jobs.map((j) => [j.jobId, j]));
      let targets: JobEntity[];
      if (body.all) {
        targets = jobs.filter((j) => !TERMINAL_JOB_STATUSES.has(j.status));
      } else {
        const missing = (body.jobIds ?? []).filter((id) => !byId.has(id));
        if (missing.length) throw new SkyportError(ErrorCode.NotFound, `cluster '${clusterName}' has no job ${missing.join(', ')}`, { jobIds: missing });
        targets = (body.jobIds ?? []).map((id) => byId.get(id) as JobEntity).filter((j) => !TERMINAL_JOB_STATUSES.has(j.status));
      }
      const requestId = randomUUID();
      const jobIds = targets.map((j) => j.jobId);
      await tx.insert(RequestEntity, {
        id: requestId,
        kind: CANCEL_KIND,
        // Done once recorded: the provisioner stops the jobs and each job's own status and events say when.
        status: RequestStatus.Succeeded,
        clusterName,
        jobId: jobIds.length === 1 ? jobIds[0] : null,
        owner: principal.userId,
        idempotencyKey: null,
        bodyHash: bodyHash({ kind: 'cancel', clusterName, body }),
        payload: { jobIds },
      });
      await askJobCancel(tx, clusterName, jobIds, requestId);
      for (const jobId of jobIds) {
        await recordEvent(tx, SOURCE, { type: 'job.cancel_requested', message: `cancel of job ${jobId} on cluster '${clusterName}' requested by ${principal.name}`, requestId, clusterName, jobId });
      }
      if (!jobIds.length) await recordEvent(tx, SOURCE, { type: 'request.succeeded', message: `no unfinished job to cancel on cluster '${clusterName}'`, requestId, clusterName });
      return { requestId, clusterName, cancelled: jobIds };
    });
  }

  async down(principal: Principal, clusterName: string, options: { purge?: boolean } = {}): Promise<DownAccepted> {
    await this.clusters.find(principal, clusterName);
    return this.db.transaction(async (tx) => {
      const cluster = await tx.findOneOrFail(ClusterEntity, { where: { name: clusterName }, lock: { mode: 'pessimistic_write' } });
      if (cluster.status === ClusterStatus.Terminated) throw new SkyportError(ErrorCode.Conflict, `cluster '${clusterName}' is already terminated`);
      const requestId = randomUUID();
      await tx.insert(RequestEntity, {
        id: requestId,
        kind: RequestKind.Down,
        status: RequestStatus.Pending,
        clusterName,
        jobId: null,
        owner: principal.userId,
        idempotencyKey: null,
        bodyHash: bodyHash({ kind: 'down', clusterName, options }),
        payload: { purge: options.purge === true },
      });
      if (cluster.status === ClusterStatus.Init && cluster.requestId && (await this.quotas.cancelQueued(tx, cluster.requestId))) {
        await this.endQueuedLaunch(tx, cluster, requestId, principal);
        return { requestId, clusterName, outcome: 'cancelled' as const };
      }
      // The fence: from this commit on the cluster's status is TEARING_DOWN (computed from the `down` intent), so a
      // launch still in flight can no longer bring it UP (see the provisioner's launch-fence); it cleans up after
      // itself instead. `down` always wins. The provisioner moves the phase when it tears the cluster down.
      await tx.update(ClusterEntity, { name: clusterName }, { intent: 'down', intentReason: `teardown requested by ${principal.name}` });
      await addToOutbox(tx, QueueName.Teardown, { clusterName, requestId, reason: 'user' });
      await recordEvent(tx, SOURCE, { type: 'request.accepted', message: `teardown of cluster '${clusterName}' requested by ${principal.name}`, requestId, clusterName });
      return { requestId, clusterName, outcome: 'tearing-down' as const };
    });
  }

  /** `skyport stop`: a cloud VM cluster's VMs are stopped (not terminated); see cluster-power.ts. */
  async stop(principal: Principal, clusterName: string): Promise<PowerAccepted> {
    await this.clusters.find(principal, clusterName);
    return this.db.transaction((tx) => acceptPowerChange(tx, principal, clusterName, 'stop'));
  }

  /** `skyport start`: a STOPPED cluster's VMs run again; it is UP once they answer over SSH. */
  async start(principal: Principal, clusterName: string): Promise<PowerAccepted> {
    await this.clusters.find(principal, clusterName);
    return this.db.transaction((tx) => acceptPowerChange(tx, principal, clusterName, 'start'));
  }

  /**
   * The launch never left the team's queue: the provisioner never saw the cluster and nothing exists in
   * Kubernetes, so the api undoes the cluster it created itself (its first phase) and ends the launch request it
   * still holds; the launch's job is ended by the provisioner's job runner, asked as `cancel` asks it.
   */
  private async endQueuedLaunch(tx: EntityManager, cluster: ClusterEntity, requestId: string, principal: Principal): Promise<void> {
    const launchId = cluster.requestId as string;
    // The launch's job is the provisioner's to end (`jobs.status` has one writer): ask it as `cancel` does.
    const jobs = await tx.find(JobEntity, { where: { clusterName: cluster.name, requestId: launchId }, select: { jobId: true, status: true } });
    const open = jobs.filter((j) => !TERMINAL_JOB_STATUSES.has(j.status)).map((j) => j.jobId);
    await askJobCancel(tx, cluster.name, open, launchId);
    await tx.update(ClusterEntity, { name: cluster.name }, { phase: ClusterStatus.Terminated, intent: 'down', intentReason: `teardown requested by ${principal.name}`, phaseReason: 'taken down while its launch waited for quota' });
    // The `down` inserted PENDING in this transaction is done at once.
    await transitionRequest(tx, SOURCE, requestId, { from: [RequestStatus.Pending], to: RequestStatus.Succeeded });
    // The launch ends unless something ended it first (the autodown reconciler may have failed a stuck one).
    await transitionRequest(tx, SOURCE, launchId, {
      from: LIVE_REQUEST_STATUSES,
      to: RequestStatus.Cancelled,
      errorCode: null,
      errorMessage: 'taken down while waiting for quota',
      message: `launch of cluster '${cluster.name}' cancelled while queued, by ${principal.name}`,
      clusterName: cluster.name,
    });
    await recordEvent(tx, SOURCE, { type: 'cluster.terminated', message: `cluster '${cluster.name}' removed before it started`, requestId, clusterName: cluster.name });
  }

}
