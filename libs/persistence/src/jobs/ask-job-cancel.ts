import type { EntityManager } from 'typeorm';
import { JOB_CANCEL_CHANNEL, jobCancelNotification } from '@skyport/contracts';

/**
 * Asks the provisioner's job runner, the one writer of `jobs.status`, to end jobs of one cluster: a
 * `job_cancel_requests` row per job (kept once, for the request that asked first) and a JOB_CANCEL_CHANNEL
 * notification sent at commit. The runner stops running jobs and ends unstarted ones; the rows are its work list,
 * so a notification lost while it was away is made good by its next pass.
 */
export async function askJobCancel(tx: EntityManager, clusterName: string, jobIds: readonly number[], requestId: string | null): Promise<void> {
  if (jobIds.length === 0) return;
  await tx.query(
    `INSERT INTO job_cancel_requests (cluster_name, job_id, request_id) SELECT $1, unnest($2::int[]), $3 ON CONFLICT (cluster_name, job_id) DO NOTHING`,
    [clusterName, [...jobIds], requestId],
  );
  await tx.query('SELECT pg_notify($1, $2)', [JOB_CANCEL_CHANNEL, jobCancelNotification({ clusterName, jobIds: [...jobIds] })]);
}
