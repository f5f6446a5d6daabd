import { ClusterStatus, TERMINAL_CLUSTER_STATUSES } from '@skyport/contracts';
import type { LabelledClusterObject } from '@skyport/kube';

/** One Kubernetes object labelled as Skyport's, in the context it was found in. */
export interface LabelledObject extends LabelledClusterObject {
  context: string;
}

export interface ClusterRecord {
  status: ClusterStatus;
  /** `kubernetes/<context>` once placed. */
  infra: string | null;
  updatedAt: Date;
}

/**
 * Whether an object is an orphan: its cluster row is gone, or ended (TERMINATED/FAILED) at least `graceMs` ago,
 * or the cluster is UP in another context (a leftover of a failed-over attempt). Objects younger than the grace
 * are never orphans: a launch may still be writing its rows.
 */
export function orphanReason(object: LabelledObject, cluster: ClusterRecord | undefined, now: Date, graceMs: number): string | undefined {
  if (now.getTime() - object.createdAt.getTime() < graceMs) return undefined;
  if (!cluster) return `cluster '${object.clusterName}' does not exist`;
  if (TERMINAL_CLUSTER_STATUSES.has(cluster.status)) {
    return now.getTime() - cluster.updatedAt.getTime() >= graceMs ? `cluster '${object.clusterName}' is ${cluster.status}` : undefined;
  }
  if (cluster.status === ClusterStatus.Up && cluster.infra?.startsWith('kubernetes/') && cluster.infra !== `kubernetes/${object.context}`) {
    return `cluster '${object.clusterName}' runs in ${cluster.infra.slice('kubernetes/'.length)}, not in ${object.context}`;
  }
  return undefined;
}

/**
 * Whether a job group's headless Service (libs/kube job-group-objects) is left over: older than the grace, no pod of
 * the group left, and its managed job gone or ended — never while the job runs (a task between two attempts has no
 * pods for a moment, and its next launch expects the Service).
 */
export function jobGroupServiceOrphanReason(
  service: { createdAt: Date; managedJobId: number },
  job: { ended: boolean } | undefined,
  hasLivePods: boolean,
  now: Date,
  graceMs: number,
): string | undefined {
  if (now.getTime() - service.createdAt.getTime() < graceMs || hasLivePods) return undefined;
  if (!job) return `managed job ${service.managedJobId} of the job group does not exist and no pod of it is left`;
  return job.ended ? `managed job ${service.managedJobId} of the job group has ended and no pod of it is left` : undefined;
}
