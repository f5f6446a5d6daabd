import { QueueName } from './queue-names';

/** The optimizer plans where a launch request should run. */
export interface OptimizePayload {
  requestId: string;
  clusterName: string;
  /** Candidates already tried and blocked (from failed attempts); excluded on re-plan. */
  blocked?: BlockedCandidate[];
  /** A `--no-burst` task waiting for capacity: the how-many-th re-plan of the same blocked list (a fresh plan each). */
  waitRound?: number;
}

export interface BlockedCandidate {
  /** e.g. `kubernetes/ctx-a` or `aws/us-east-1/p4d.24xlarge`. */
  candidateId: string;
  reason: string;
}

/** The provisioner brings a cluster up on the first feasible candidate of a plan. */
export interface ProvisionPayload {
  requestId: string;
  clusterName: string;
  planId: string;
}

/** The provisioner removes every object of a cluster. */
export interface TeardownPayload {
  clusterName: string;
  /** The request that asked for it (down, autodown, failed launch). */
  requestId?: string;
  reason: 'user' | 'autodown' | 'failed-launch' | 'reaper';
}

/**
 * The provisioner stops a cloud cluster's VMs (StopInstances: disks kept, compute no longer billed) or starts
 * them again (StartInstances, new addresses recorded, SSH re-checked). Kubernetes clusters never get one.
 */
export interface ClusterPowerPayload {
  clusterName: string;
  requestId: string;
  action: 'stop' | 'start';
  /** Who asked: `skyport stop|start`, autostop, or a launch on a STOPPED cluster. */
  reason: 'user' | 'autostop' | 'launch';
  /** A launch on a STOPPED cluster: its job, handed to the exec queue once the cluster is UP again. */
  thenExec?: ExecPayload;
}

/** A job to run on an existing cluster. */
export interface ExecPayload {
  requestId: string;
  clusterName: string;
  jobId: number;
}

/** The autodown service checks one cluster for idleness. */
export interface AutodownPayload {
  clusterName: string;
  /** When the check was scheduled for; a stale check (superseded by a newer timer) is ignored. */
  dueAt: string;
}

/**
 * The payload type bound to each queue name. A producer or a consumer of the wrong payload does not compile:
 * `QueuePayload<QueueName.Provision>` is `ProvisionPayload`, and nothing else.
 */
export interface QueuePayloadMap {
  [QueueName.Optimize]: OptimizePayload;
  [QueueName.Provision]: ProvisionPayload;
  [QueueName.Teardown]: TeardownPayload;
  [QueueName.Exec]: ExecPayload;
  [QueueName.Autodown]: AutodownPayload;
  [QueueName.ClusterPower]: ClusterPowerPayload;
}

export type QueuePayload<Q extends QueueName> = QueuePayloadMap[Q];

/**
 * The BullMQ job id of a payload: jobs are de-duplicated by it, so publishing the same logical job twice
 * (an outbox relay retry, a consumer retry) enqueues it once.
 */
export function queueJobId<Q extends QueueName>(queue: Q, payload: QueuePayload<Q>): string {
  switch (queue) {
    case QueueName.Optimize: {
      const p = payload as OptimizePayload;
      // BullMQ refuses custom ids of more than three `:`-separated parts.
      return `optimize:${p.requestId}:${p.blocked?.length ?? 0}${p.waitRound ? `-w${p.waitRound}` : ''}`;
    }
    case QueueName.Provision: {
      const p = payload as ProvisionPayload;
      return `provision:${p.requestId}:${p.planId}`;
    }
    case QueueName.Teardown: {
      const p = payload as TeardownPayload;
      return `teardown:${p.clusterName}:${p.requestId ?? p.reason}`;
    }
    case QueueName.Exec: {
      const p = payload as ExecPayload;
      return `exec:${p.clusterName}:${p.jobId}`;
    }
    case QueueName.Autodown: {
      const p = payload as AutodownPayload;
      // BullMQ refuses custom ids with more than two ':' — an ISO time has two of its own.
      return `autodown:${p.clusterName}:${Date.parse(p.dueAt) || p.dueAt.replace(/:/g, '')}`;
    }
    case QueueName.ClusterPower: {
      const p = payload as ClusterPowerPayload;
      return `power:${p.clusterName}:${p.requestId}`;
    }
    default:
      throw new Error(`unknown queue ${String(queue)}`);
  }
}
