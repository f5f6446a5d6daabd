import type { DataSource } from 'typeorm';
import { ClusterStatus, JobStatus, RequestStatus, clusterEventType } from '@skyport/contracts';
import { LIVE_REQUEST_STATUSES, recordEvent, transitionRequest } from '@skyport/persistence';
import type { Logger } from '@skyport/service-kit';
import { transitionCluster } from '../state/cluster-transition';
import { transitionJobs } from '../state/job-transition';

const SOURCE = 'provisioner';

/**
 * Marks an UP cluster FAILED because it lost its nodes (pods or VMs) outside Skyport, in one transaction: the
 * cluster FAILED with the reason, its unfinished jobs FAILED_DRIVER (their requests failed), and the events. Only
 * an UP cluster is marked (a teardown or stop already under way wins); returns whether this call marked it. The
 * one way both health passes (pods, cloud VMs) declare a loss, so a managed job recovers alike from either.
 */
export async function markClusterLost(db: DataSource, logger: Logger, clusterName: string, reason: string): Promise<boolean> {
  const message = `cluster lost its nodes outside Skyport (${reason}); 'skyport launch -c ${clusterName}' provisions it again, 'skyport down ${clusterName}' removes what is left`;
  return db.transaction(async (tx) => {
    if (!(await transitionCluster(tx, clusterName, { from: [ClusterStatus.Up], to: ClusterStatus.Failed, reason: message }))) return false;
    const jobs = await transitionJobs(tx, { clusterName }, { from: [JobStatus.Pending, JobStatus.SettingUp, JobStatus.Running], to: JobStatus.FailedDriver });
    for (const j of jobs) {
      if (j.requestId) {
        await transitionRequest(tx, SOURCE, j.requestId, { from: LIVE_REQUEST_STATUSES, to: RequestStatus.Failed, errorCode: 'CONFLICT', errorMessage: `job ${j.jobId} failed: ${message}` });
      }
      // `job.failed` (not `job.failed_driver`), as it always was for a lost cluster's jobs.
      await recordEvent(tx, SOURCE, { type: 'job.failed', message: `job ${j.jobId} failed: the cluster lost its nodes (${reason})`, requestId: j.requestId, clusterName, jobId: j.jobId });
    }
    // The cluster's event after its jobs', in the order they have always been read.
    await recordEvent(tx, SOURCE, { type: clusterEventType(ClusterStatus.Failed), message, clusterName, data: { reason } });
    logger.warn({ cluster: clusterName, reason }, 'cluster lost its nodes; marked FAILED');
    return true;
  });
}
