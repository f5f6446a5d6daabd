import type { EntityManager } from 'typeorm';
import { ClusterStatus, JobStatus, RequestStatus } from '@skyport/contracts';
import { ClusterEntity, LIVE_REQUEST_STATUSES, entityPatch, transitionRequest } from '@skyport/persistence';
import { compareAndSetStatus } from '../state/compare-and-set';
import { transitionJobs } from '../state/job-transition';

/**
 * `down` always wins. A launch may move its cluster row only while the row is still its own (`request_id` is the
 * launch's request) and in a launch state; the api's `down` sets the row's `down` intent in the same transaction
 * that accepts it, which makes its status TEARING_DOWN at once (`clusters.status` is computed), so every later transition of a launch that lost the race matches no row, and the launch
 * cleans up what it created instead of bringing the cluster back.
 */
export async function moveOwnCluster(
  tx: EntityManager,
  clusterName: string,
  requestId: string,
  from: readonly ClusterStatus[],
  to: Partial<Pick<ClusterEntity, 'phase' | 'phaseReason' | 'infra' | 'namespace' | 'numNodes' | 'instanceType' | 'task' | 'lastActivityAt'>>,
): Promise<boolean> {
  return compareAndSetStatus(tx, ClusterEntity, { where: 'name = :clusterName AND (request_id = :requestId OR request_id IS NULL)', params: { clusterName, requestId } }, from, entityPatch<ClusterEntity>(to));
}

/** Whether the launch still owns its cluster (nothing took it down or over since it started). */
export async function launchStillOwns(tx: EntityManager, clusterName: string, requestId: string): Promise<boolean> {
  const row = await tx.findOne(ClusterEntity, { where: { name: clusterName }, select: { name: true, status: true, requestId: true } });
  return !!row && (row.requestId === requestId || row.requestId === null) && (row.status === ClusterStatus.Init || row.status === ClusterStatus.Provisioning);
}

/** The launch lost to a `down` (or another launch): its request ends CANCELLED, its queued job with it. */
export async function cancelFencedLaunch(tx: EntityManager, source: string, requestId: string, clusterName: string): Promise<void> {
  const message = `cluster ${clusterName} was taken down before its launch finished; nothing of the launch is left`;
  if (!(await transitionRequest(tx, source, requestId, { from: LIVE_REQUEST_STATUSES, to: RequestStatus.Cancelled, errorMessage: message, message, clusterName }))) return;
  await transitionJobs(tx, { clusterName, requestId }, { from: [JobStatus.Init, JobStatus.Pending], to: JobStatus.Cancelled });
}

/** Thrown inside a transaction when the launch's cluster is no longer its own: the transaction rolls back. */
export class LaunchFenced extends Error {
  constructor(readonly clusterName: string) {
    super(`cluster ${clusterName} was taken down during its launch`);
    this.name = 'LaunchFenced';
  }
}
