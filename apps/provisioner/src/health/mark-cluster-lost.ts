import type { DataSource } from 'typeorm';
import { ClusterStatus, JobStatus, RequestStatus } from '@skyport/contracts';
import { LIVE_REQUEST_STATUSES, recordEvent, transitionRequest } from '@skyport/persistence';
import type { Logger } from '@skyport/service-kit';

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
    const res = await tx.query(`UPDATE clusters SET phase = $2, phase_reason = $3, updated_at = now() WHERE name = $1 AND status = $4`, [clusterName, ClusterStatus.Failed, message, ClusterStatus.Up]);
    if (!(Array.isArray(res) ? Number(res[1] ?? 0) : 0)) return false;
    const jobs: Array<{ job_id: number; request_id: string | null }> = await tx.query(
      `UPDATE jobs SET status = $2, ended_at = now() WHERE cluster_name = $1 AND status IN ($3, $4, $5) RETURNING job_id, request_id`,
      [clusterName, JobStatus.FailedDriver, JobStatus.Pending, JobStatus.SettingUp, JobStatus.Running],
    ).then((r: unknown) => (Array.isArray(r) && Array.isArray(r[0]) ? (r[0] as Array<{ job_id: number; request_id: string | null }>) : []));
    for (const j of jobs) {
      if (j.request_id) {
        await transitionRequest(tx, SOURCE, j.request_id, { from: LIVE_REQUEST_STATUSES, to: RequestStatus.Failed, errorCode: 'CONFLICT', errorMessage: `job ${j.job_id} failed: ${message}` });
      }
      await recordEvent(tx, SOURCE, { type: 'job.failed', message: `job ${j.job_id} failed: the cluster lost its nodes (${reason})`, requestId: j.request_id, clusterName, jobId: j.job_id });
    }
    await recordEvent(tx, SOURCE, { type: 'cluster.failed', message, clusterName, data: { reason } });
    logger.warn({ cluster: clusterName, reason }, 'cluster lost its nodes; marked FAILED');
    return true;
  });
}
