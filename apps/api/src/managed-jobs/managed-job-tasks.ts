import type { EntityManager } from 'typeorm';
import { ManagedJobStatus, TERMINAL_MANAGED_JOB_STATUSES } from '@skyport/contracts';
import { ManagedJobTaskEntity, type ManagedJobEntity } from '@skyport/persistence';
import { costOfClusters, sumCosts, type BillableCluster } from '../clusters/cluster-cost';
import { attemptClusterName } from './managed-job-view';

/**
 * The job row drives the current task's attempt; its task row follows it (status, cluster, counters, times) in the
 * same transaction. A job that ends without succeeding (FAILED, FAILED_NO_RESOURCE, CANCELLED) leaves its later
 * tasks CANCELLED, as SkyPilot shows a pipeline's tasks that never ran.
 */
export async function syncCurrentTask(manager: EntityManager, job: ManagedJobEntity): Promise<void> {
  const ended = TERMINAL_MANAGED_JOB_STATUSES.has(job.status);
  await manager.query(
    `UPDATE managed_job_tasks
        SET status = $3, cluster_name = $4, cluster_job_id = $5, recovery_count = $6, restart_count = $7, failure_reason = $8,
            started_at = CASE WHEN $3 = '${ManagedJobStatus.Running}' THEN coalesce(started_at, now()) ELSE started_at END,
            ended_at = CASE WHEN $9 THEN coalesce(ended_at, now()) ELSE ended_at END
      WHERE job_id = $1 AND task_index = $2`,
    [job.id, job.currentTask, job.status, job.clusterName, job.clusterJobId, job.recoveryCount, job.restartCount, job.failureReason, ended],
  );
  if (ended && job.status !== ManagedJobStatus.Succeeded) {
    await manager.query(`UPDATE managed_job_tasks SET status = $3, ended_at = coalesce(ended_at, now()) WHERE job_id = $1 AND task_index > $2 AND status = $4`, [
      job.id,
      job.currentTask,
      ManagedJobStatus.Cancelled,
      ManagedJobStatus.Pending,
    ]);
  }
}

/** A pipeline task that ran to success, before the job moves on to the next one. */
export async function markTaskSucceeded(manager: EntityManager, jobId: number, index: number): Promise<void> {
  await manager.query(`UPDATE managed_job_tasks SET status = $3, failure_reason = NULL, ended_at = coalesce(ended_at, now()) WHERE job_id = $1 AND task_index = $2`, [
    jobId,
    index,
    ManagedJobStatus.Succeeded,
  ]);
}

export function taskAt(manager: EntityManager, jobId: number, index: number): Promise<ManagedJobTaskEntity | null> {
  return manager.findOneBy(ManagedJobTaskEntity, { jobId, taskIndex: index });
}

/** Job id → its tasks in order, for a page of jobs in one query. */
export async function tasksOf(manager: EntityManager, jobIds: number[]): Promise<Map<number, ManagedJobTaskEntity[]>> {
  const out = new Map<number, ManagedJobTaskEntity[]>(jobIds.map((id) => [id, []]));
  if (!jobIds.length) return out;
  const rows = await manager.createQueryBuilder(ManagedJobTaskEntity, 't').where('t.jobId IN (:...ids)', { ids: jobIds }).orderBy('t.jobId').addOrderBy('t.taskIndex').getMany();
  for (const row of rows) out.get(row.jobId)?.push(row);
  return out;
}

/**
 * Job id → dollars so far over every cluster it launched (`sky-jobs-<id>-1` … `-<attempt>`), priced by the cost
 * report's own arithmetic (clusters/cluster-cost.ts).
 */
export async function costsOf(manager: EntityManager, jobs: Array<Pick<ManagedJobEntity, 'id' | 'attempt'>>): Promise<Map<number, number>> {
  const names = jobs.flatMap((j) => Array.from({ length: j.attempt }, (_, i) => attemptClusterName(j.id, i + 1)));
  const clusters = names.length
    ? ((await manager.query(`SELECT name, status, request_id, created_at, updated_at, stopped_at, stopped_seconds FROM clusters WHERE name = ANY($1)`, [names])) as BillableCluster[])
    : [];
  const costs = await costOfClusters(manager, clusters);
  return new Map(jobs.map((j) => [j.id, sumCosts(Array.from({ length: j.attempt }, (_, i) => costs.get(attemptClusterName(j.id, i + 1))?.totalCost ?? 0))]));
}
