import type { EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { JobStatus, TERMINAL_JOB_STATUSES, jobEventType, type EventData } from '@skyport/contracts';
import { JobEntity, recordEvent } from '@skyport/persistence';

const SOURCE = 'provisioner';

/** Which jobs move: one (`jobId`), a request's (`requestId`), or else every job of the cluster that is in `from`. */
export interface JobsOf {
  clusterName: string;
  jobId?: number;
  requestId?: string;
}

/** A job that moved. */
export interface MovedJob {
  jobId: number;
  requestId: string | null;
}

export interface JobTransition<S extends JobStatus> {
  /** The statuses a job may move from; one in any other is left alone (and nothing is recorded for it). */
  from: readonly JobStatus[];
  to: S;
  /** The job's exit codes (an ended job's); left as they are when absent. */
  exitCodes?: number[] | null;
  /** The `job.<to>` event of each moved job: with it, recorded for every job that moved; without, none is. */
  event?: { message: (job: MovedJob) => string; data?: EventData<ReturnType<typeof jobEventType<S>>> };
}

/**
 * A job's status change (or a set of a cluster's jobs') as the provisioner, the only writer of `jobs.status` (see
 * CONTRIBUTING.md), makes it: compare-and-set on `status IN from`, with the time that goes with the new status — a
 * job that starts (SETTING_UP, RUNNING) keeps its first `started_at`, one that ends gets `ended_at = now()` — and,
 * when asked, the `job.<to>` event of each job that moved, in the caller's transaction. Returns the jobs that moved
 * (by job id), so two replicas racing for the same job each see whether they won.
 */
export async function transitionJobs<S extends JobStatus>(tx: EntityManager, jobs: JobsOf, t: JobTransition<S>): Promise<MovedJob[]> {
  if (t.from.length === 0) throw new Error(`transitionJobs(${jobs.clusterName} → ${t.to}): no status to move from`);
  const set: QueryDeepPartialEntity<JobEntity> = {
    status: t.to,
    ...(TERMINAL_JOB_STATUSES.has(t.to) ? { endedAt: () => 'now()' } : {}),
    ...(t.to === JobStatus.SettingUp || t.to === JobStatus.Running ? { startedAt: () => 'COALESCE(started_at, now())' } : {}),
    ...(t.exitCodes !== undefined ? { exitCodes: t.exitCodes } : {}),
  };
  const query = tx
    .createQueryBuilder()
    .update(JobEntity)
    .set(set)
    .where('cluster_name = :clusterName AND status IN (:...from)', { clusterName: jobs.clusterName, from: [...t.from] });
  if (jobs.jobId !== undefined) query.andWhere('job_id = :jobId', { jobId: jobs.jobId });
  if (jobs.requestId !== undefined) query.andWhere('request_id = :requestId', { requestId: jobs.requestId });
  const res = await query.returning('job_id, request_id').execute();
  const moved = ((res.raw ?? []) as Array<{ job_id: number; request_id: string | null }>)
    .map((r) => ({ jobId: Number(r.job_id), requestId: r.request_id }))
    .sort((a, b) => a.jobId - b.jobId);
  if (t.event) {
    for (const job of moved) {
      await recordEvent(tx, SOURCE, {
        type: jobEventType(t.to),
        message: t.event.message(job),
        requestId: job.requestId,
        clusterName: jobs.clusterName,
        jobId: job.jobId,
        data: t.event.data,
      });
    }
  }
  return moved;
}
