import { ClusterStatus, RequestKind, type RequestStatus } from '@skyport/contracts';

/** What the reconciler knows of a request that has been quiet for longer than the stale window. */
export interface QuietRequest {
  id: string;
  kind: RequestKind;
  status: RequestStatus;
  clusterName: string;
  /** The cluster row, if any, and whether this request is the one that placed it. */
  clusterStatus: ClusterStatus | null;
  clusterIsMine: boolean;
  /** The newest plan the optimizer stored for this request. */
  planId: string | null;
  /** Waiting for the team's quota or for Kubernetes capacity: quiet by design, driven by their own loops. */
  waiting: boolean;
  /** A queue job for it is waiting, delayed or running right now. */
  hasLiveJob: boolean;
}

export type Redrive =
  | { action: 'none' }
  | { action: 'optimize' }
  | { action: 'provision'; planId: string }
  | { action: 'teardown' }
  | { action: 'power'; op: 'stop' | 'start' }
  | { action: 'fail'; message: string }
  | { action: 'cancel'; message: string }
  | { action: 'succeed'; message: string };

/**
 * The one step that moves a stuck request on, decided from Postgres alone (the system of record), whatever
 * happened to its queue jobs: a job that exhausted its retries during an outage, stalled past its limit, or was
 * never published. Requests with a live job, or waiting on purpose, are left alone; a launch whose cluster is UP
 * belongs to the provisioner's job runner.
 */
export function redriveFor(r: QuietRequest): Redrive {
  if (r.hasLiveJob) return { action: 'none' };
  if (r.kind === RequestKind.Launch) {
    if (r.clusterStatus === null) return { action: 'fail', message: `cluster ${r.clusterName} no longer exists; the launch cannot finish` };
    if (!r.clusterIsMine) return { action: 'none' };
    // `down` always wins, also over a launch waiting for quota or capacity.
    if (r.clusterStatus === ClusterStatus.TearingDown || r.clusterStatus === ClusterStatus.Terminated) {
      return { action: 'cancel', message: `cluster ${r.clusterName} was taken down before its launch finished` };
    }
    if (r.waiting) return { action: 'none' };
    switch (r.clusterStatus) {
      case ClusterStatus.Init:
        return r.planId ? { action: 'provision', planId: r.planId } : { action: 'optimize' };
      case ClusterStatus.Provisioning:
        return r.planId ? { action: 'provision', planId: r.planId } : { action: 'optimize' };
      case ClusterStatus.Failed:
        return { action: 'fail', message: `cluster ${r.clusterName} failed before the launch finished` };
      default:
        return { action: 'none' };
    }
  }
  if (r.waiting) return { action: 'none' };
  if (r.kind === RequestKind.Down) {
    if (r.clusterStatus === null || r.clusterStatus === ClusterStatus.Terminated) {
      return { action: 'succeed', message: `cluster ${r.clusterName} is torn down` };
    }
    return { action: 'teardown' };
  }
  if (r.kind === RequestKind.Stop || r.kind === RequestKind.Start) return powerRedrive(r);
  return { action: 'none' };
}

/**
 * A stop or start whose step was lost. A STOPPED cluster is a resting state, not a stuck one: only the request
 * that is still pending on it is published again (stopping and starting are idempotent in the provisioner).
 */
function powerRedrive(r: QuietRequest): Redrive {
  const verb = r.kind === RequestKind.Stop ? 'stop' : 'start';
  if (r.clusterStatus === null || r.clusterStatus === ClusterStatus.Terminated || r.clusterStatus === ClusterStatus.TearingDown) {
    return { action: 'cancel', message: `cluster ${r.clusterName} was taken down before its ${verb} finished` };
  }
  if (r.clusterStatus === ClusterStatus.Stopped) return { action: 'power', op: verb };
  if (r.clusterStatus === ClusterStatus.Up) {
    return verb === 'start' ? { action: 'succeed', message: `cluster ${r.clusterName} is UP` } : { action: 'fail', message: `cluster ${r.clusterName} is UP again; its stop did not happen` };
  }
  return { action: 'fail', message: `cluster ${r.clusterName} is ${r.clusterStatus}; it cannot ${verb}` };
}
