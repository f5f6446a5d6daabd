import type { DataSource, EntityManager } from 'typeorm';
import { ClusterStatus, ErrorCode, JobStatus, QueueName, RequestStatus, SkyportError, clusterEventType, isSkyportError, type ClusterPowerPayload } from '@skyport/contracts';
import { ClusterEntity, LIVE_REQUEST_STATUSES, recordEvent, transitionRequest } from '@skyport/persistence';
import type { Logger } from '@skyport/service-kit';
import { NOT_TAKEN_DOWN, transitionCluster } from '../state/cluster-transition';
import { transitionJobs } from '../state/job-transition';

const SOURCE = 'provisioner';

/** Stops and starts a cloud cluster's VMs; absent when no cloud is enabled. */
export interface CloudPower {
  stopInfra(clusterName: string, infra: string): Promise<boolean>;
  startInfra(clusterName: string, infra: string): Promise<boolean>;
}

/** Where a job started after a launch on a STOPPED cluster goes once the cluster is UP again. */
export interface ExecHandOff {
  enqueue(queue: QueueName.Exec, payload: NonNullable<ClusterPowerPayload['thenExec']>): Promise<unknown>;
}

/**
 * `cluster-power`: SkyPilot's `stop` and `start` for cloud VM clusters. Stop: the VMs are stopped (not
 * terminated), the cluster is STOPPED, and its unfinished jobs end as SkyPilot ends them (a running job FAILED —
 * its processes died with the VMs —, a queued one CANCELLED). Start: the VMs run again with new addresses, SSH is
 * re-checked, the cluster is UP and its idle window starts afresh. A permanent failure (the cloud refuses, the
 * VMs are gone) fails the request with the reason and leaves the cluster STOPPED; anything else is retried.
 */
export class ClusterPowerService {
  constructor(private readonly deps: { db: DataSource; logger: Logger; cloud?: CloudPower; exec?: ExecHandOff }) {}

  async handle(payload: ClusterPowerPayload): Promise<void> {
    const cluster = await this.deps.db.manager.findOne(ClusterEntity, { where: { name: payload.clusterName } });
    if (!cluster || cluster.status === ClusterStatus.TearingDown || cluster.status === ClusterStatus.Terminated) {
      await this.endRequest(payload, takenDown(payload));
      return;
    }
    try {
      if (payload.action === 'stop') await this.stop(payload, cluster);
      else await this.start(payload, cluster);
    } catch (error) {
      if (!isSkyportError(error) || error.code === ErrorCode.Internal) throw error; // retried by the queue
      await this.failed(payload, error);
    }
  }

  private async stop(payload: ClusterPowerPayload, cluster: ClusterEntity): Promise<void> {
    await this.cloudOf(cluster).stopInfra(cluster.name, cluster.infra!);
    await this.deps.db.transaction(async (tx) => {
      // A `down` that came in while the VMs stopped wins, as one that came before them does (handle()).
      const moved = await transitionCluster(tx, cluster.name, {
        from: NOT_TAKEN_DOWN,
        to: ClusterStatus.Stopped,
        reason: payload.reason === 'autostop' ? cluster.intentReason : 'stopped',
        also: { stoppedAt: () => 'COALESCE(stopped_at, now())' },
      });
      if (!moved) return this.cancelRequest(tx, payload, takenDown(payload));
      const ended = await endJobsOfStoppedCluster(tx, cluster.name);
      await transitionRequest(tx, SOURCE, payload.requestId, { from: LIVE_REQUEST_STATUSES, to: RequestStatus.Succeeded });
      // Recorded here, after the jobs' events, as it says how many jobs the stop ended.
      await recordEvent(tx, SOURCE, {
        type: clusterEventType(ClusterStatus.Stopped),
        message: `the cluster's VMs are stopped (disks kept)${ended ? `; ${ended} unfinished job(s) ended` : ''}: 'skyport start ${cluster.name}' brings it back`,
        requestId: payload.requestId,
        clusterName: cluster.name,
      });
    });
  }

  private async start(payload: ClusterPowerPayload, cluster: ClusterEntity): Promise<void> {
    if (cluster.status !== ClusterStatus.Up) await this.cloudOf(cluster).startInfra(cluster.name, cluster.infra!);
    const started = await this.deps.db.transaction(async (tx) => {
      const moved = await transitionCluster(tx, cluster.name, {
        from: NOT_TAKEN_DOWN,
        to: ClusterStatus.Up,
        reason: null,
        // The stopped interval ends (the cost report's unbilled time) and the idle window starts afresh.
        also: { lastActivityAt: () => 'now()', stoppedSeconds: () => 'stopped_seconds + COALESCE(EXTRACT(EPOCH FROM now() - stopped_at)::int, 0)', stoppedAt: null },
      });
      if (!moved) {
        await this.cancelRequest(tx, payload, takenDown(payload));
        return false;
      }
      await transitionRequest(tx, SOURCE, payload.requestId, { from: LIVE_REQUEST_STATUSES, to: RequestStatus.Succeeded });
      // `cluster.started`, not `cluster.up`: the event says the VMs were started again.
      await recordEvent(tx, SOURCE, { type: 'cluster.started', message: "the cluster's VMs run again (addresses re-read, SSH checked)", requestId: payload.requestId, clusterName: cluster.name });
      return true;
    });
    if (started && payload.thenExec) await this.deps.exec?.enqueue(QueueName.Exec, payload.thenExec);
  }

  private cloudOf(cluster: ClusterEntity): CloudPower {
    const provider = (cluster.infra ?? '').split('/')[0];
    if (!cluster.infra || provider === 'kubernetes') {
      throw new SkyportError(ErrorCode.Conflict, `cluster '${cluster.name}' runs on ${cluster.infra ?? 'no infra yet'}; only cloud VM clusters can be stopped or started`);
    }
    if (!this.deps.cloud) throw new SkyportError(ErrorCode.ProviderUnavailable, `cluster '${cluster.name}' is on ${cluster.infra}, but no cloud is enabled on this provisioner`);
    return this.deps.cloud;
  }

  private async failed(payload: ClusterPowerPayload, error: SkyportError): Promise<void> {
    this.deps.logger.warn({ cluster: payload.clusterName, action: payload.action, err: error.userMessage }, 'cluster power change failed');
    await this.deps.db.transaction(async (tx) => {
      // A failed stop leaves the VMs as they were: the cluster is UP again (its jobs were not touched), so the stop
      // it could not carry out is withdrawn — the one intent the provisioner clears.
      const status = payload.action === 'stop' ? ClusterStatus.Up : ClusterStatus.Stopped;
      await transitionCluster(tx, payload.clusterName, {
        from: [ClusterStatus.Up, ClusterStatus.Stopped],
        to: status,
        reason: `${payload.action} failed: ${error.userMessage}`,
        also: status === ClusterStatus.Up ? { stoppedAt: null } : {},
        withdrawStop: true,
      });
      if (payload.thenExec) {
        await transitionJobs(tx, { clusterName: payload.clusterName, jobId: payload.thenExec.jobId }, { from: [JobStatus.Init, JobStatus.Pending], to: JobStatus.Failed });
        await transitionRequest(tx, SOURCE, payload.thenExec.requestId, {
          from: LIVE_REQUEST_STATUSES,
          to: RequestStatus.Failed,
          errorCode: error.code,
          errorMessage: `the cluster could not be started: ${error.userMessage}`,
        });
      }
      await transitionRequest(tx, SOURCE, payload.requestId, {
        from: LIVE_REQUEST_STATUSES,
        to: RequestStatus.Failed,
        errorCode: error.code,
        errorMessage: error.userMessage,
        message: `${payload.action} of cluster '${payload.clusterName}' failed: ${error.userMessage}`,
        clusterName: payload.clusterName,
      });
    });
  }

  private async endRequest(payload: ClusterPowerPayload, message: string): Promise<void> {
    await this.deps.db.transaction((tx) => this.cancelRequest(tx, payload, message));
  }

  private async cancelRequest(tx: EntityManager, payload: ClusterPowerPayload, message: string): Promise<void> {
    await transitionRequest(tx, SOURCE, payload.requestId, { from: LIVE_REQUEST_STATUSES, to: RequestStatus.Cancelled, errorMessage: message, message, clusterName: payload.clusterName });
  }
}

function takenDown(payload: ClusterPowerPayload): string {
  return `cluster '${payload.clusterName}' was taken down before it could ${payload.action}`;
}

/**
 * As SkyPilot when a cluster stops: a job that had started (setting up or running) FAILED, a job that had not
 * (INIT, PENDING) CANCELLED; the request of each ends with it, saying why. Returns how many jobs ended.
 */
export async function endJobsOfStoppedCluster(tx: EntityManager, clusterName: string): Promise<number> {
  let ended = 0;
  const outcomes: Array<[JobStatus, JobStatus[], RequestStatus, string]> = [
    [JobStatus.Failed, [JobStatus.SettingUp, JobStatus.Running], RequestStatus.Failed, 'the cluster was stopped while the job ran (its processes ended with the VMs)'],
    [JobStatus.Cancelled, [JobStatus.Init, JobStatus.Pending], RequestStatus.Cancelled, 'the cluster was stopped before the job started'],
  ];
  for (const [jobStatus, from, requestStatus, why] of outcomes) {
    const moved = await transitionJobs(tx, { clusterName }, { from, to: jobStatus, event: { message: (j) => `job ${j.jobId} ${jobStatus}: ${why}`, data: { jobStatus } } });
    ended += moved.length;
    for (const job of moved) {
      if (job.requestId) await transitionRequest(tx, SOURCE, job.requestId, { from: LIVE_REQUEST_STATUSES, to: requestStatus, errorMessage: why });
    }
  }
  return ended;
}
