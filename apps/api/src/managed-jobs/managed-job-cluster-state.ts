import type { DataSource } from 'typeorm';

/** Longest wait, after a job ended, for the logs service to store the rest of its log before the cluster goes. */
export const LOG_DRAIN_MS = 15_000;

/** The launch request of an attempt's cluster, if it was launched. */
export async function attemptLaunchOf(db: DataSource, clusterName: string): Promise<{ requestId: string; jobId: number | null } | undefined> {
  const [row] = (await db.query(`SELECT r.id, r.job_id FROM clusters c JOIN requests r ON r.id = c.request_id WHERE c.name = $1`, [clusterName])) as Array<{ id: string; job_id: number | null }>;
  return row ? { requestId: row.id, jobId: row.job_id } : undefined;
}

/**
 * Whether the logs service has stored the ended job's whole log (its stream is done), so tearing the cluster down
 * loses none of it; after LOG_DRAIN_MS from the job's end the teardown goes ahead regardless.
 */
export async function attemptLogsStored(db: DataSource, clusterName: string | null, requestId: string | null): Promise<boolean> {
  const rows = (await db.query(
    `SELECT (SELECT bool_and(s.done) FROM log_streams s WHERE s.cluster_name = j.cluster_name AND s.job_id = j.job_id AND s.stream = 'job') AS done,
            j.ended_at < now() - make_interval(secs => $3::double precision) AS overdue
       FROM jobs j WHERE j.cluster_name = $1 AND j.request_id = $2`,
    [clusterName, requestId, LOG_DRAIN_MS / 1000],
  )) as Array<{ done: boolean | null; overdue: boolean | null }>;
  return !rows[0] || rows[0].done === true || rows[0].overdue !== false;
}
