import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ClusterStatus, ManagedJobStatus, SkyportError, TERMINAL_MANAGED_JOB_STATUSES, managedJobEventType, type JobStatus, type RequestStatus } from '@skyport/contracts';
import { ManagedJobEntity, ManagedJobTaskEntity, entityPatch, recordEvent } from '@skyport/persistence';
import { SERVICE_LOGGER, type Logger } from '@skyport/service-kit';
import type { JobGroupHeader } from '@skyport/task-spec';
import { decideAttempt, type AttemptDecision } from './managed-job-decision';
import { ManagedJobAttempts } from './managed-job-attempts';
import { attemptLaunchOf, attemptLogsStored } from './managed-job-cluster-state';
import { attemptClusterName } from './managed-job-view';
import { tasksOf } from './managed-job-tasks';
import { groupOutcome, groupProgress, primariesFailed } from './managed-job-group-lifetime';
import { jobGroupLaunch } from './managed-job-group-names';

const SOURCE = 'api';
const ACTIVE = [ManagedJobStatus.Starting, ManagedJobStatus.Running, ManagedJobStatus.Recovering];
const ended = (s: ManagedJobStatus) => TERMINAL_MANAGED_JOB_STATUSES.has(s);

/** The job group a managed job runs, when its header said `execution: parallel` (kept in its launch options). */
export function jobGroupOf(job: Pick<ManagedJobEntity, 'launchOptions'>): JobGroupHeader | undefined {
  return job.launchOptions.jobGroup;
}

/**
 * A job group's controller (SkyPilot's `execution: parallel`): every task starts at once on its own cluster
 * (`sky-jobs-<id>-<n>`, n from the job's attempt counter, so recoveries get fresh names too) and is driven as a
 * pipeline task is — the same decisions (decideAttempt), launches and recoveries — but each on its own task row.
 * As SkyPilot's controller: the group ends when every primary task ended (all tasks are primary unless
 * `primary_tasks` names some) or a task's first launch failed; tasks still running are then cancelled (auxiliaries
 * after `termination_delay` when every primary task succeeded, at once otherwise). A task that ended keeps its
 * cluster until the group ends, when every kept cluster is torn down. Rules: managed-job-group-lifetime.ts.
 */
@Injectable()
export class ManagedJobGroups {
  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(ManagedJobAttempts) private readonly attempts: ManagedJobAttempts,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {}

  async step(job: ManagedJobEntity, group: JobGroupHeader): Promise<void> {
    if (job.status === ManagedJobStatus.Pending) return this.start(job, group);
    if (job.status === ManagedJobStatus.Cancelling) return this.finishCancel(job);
    if (!ACTIVE.includes(job.status)) return;
    for (const task of await this.tasks(job.id)) {
      if (task.status === ManagedJobStatus.Cancelling) await this.finishTaskCancel(job, task);
      else if (!ended(task.status)) await this.stepTask(job, task);
    }
    await this.settle(job, group, await this.tasks(job.id));
  }

  /** PENDING → STARTING: every task gets its cluster name (recorded first, so a crash relaunches the same) and is launched. */
  private async start(job: ManagedJobEntity, group: JobGroupHeader): Promise<void> {
    const tasks = await this.tasks(job.id);
    const moved = await this.transition(job, ManagedJobStatus.Starting, { attempt: tasks.length }, `managed job ${job.id}: job group '${group.name}' launching its ${tasks.length} tasks at once, each on its own cluster`, async (tx) => {
      for (const t of tasks) {
        await tx.update(ManagedJobTaskEntity, { jobId: job.id, taskIndex: t.taskIndex }, { status: ManagedJobStatus.Starting, clusterName: attemptClusterName(job.id, t.taskIndex + 1) });
      }
    });
    if (!moved) return;
    for (const t of await this.tasks(job.id)) await this.ensureLaunched(moved, t);
  }

  /** The task's attempt as the attempts service launches and tears down a job's: its task, secrets, placement. */
  private attemptJob(job: ManagedJobEntity, t: ManagedJobTaskEntity): ManagedJobEntity {
    const options: ManagedJobEntity['launchOptions'] = { ...job.launchOptions };
    delete options.placement;
    delete options.jobGroup;
    // Counters at 0: a relaunch hint would look at the job's previous cluster numbers, which other tasks share.
    return {
      ...job,
      task: t.task,
      taskId: t.taskId,
      sealedSecrets: t.sealedSecrets,
      recovery: t.recovery,
      recoveryCount: 0,
      restartCount: 0,
      clusterName: t.clusterName,
      launchOptions: { ...options, ...(t.placement ? { placement: t.placement } : {}) },
    };
  }

  private async ensureLaunched(job: ManagedJobEntity, t: ManagedJobTaskEntity): Promise<void> {
    const clusterName = t.clusterName as string;
    let launched = await attemptLaunchOf(this.db, clusterName);
    if (!launched) {
      try {
        const group = jobGroupOf(job);
        const dns = group && t.name ? jobGroupLaunch(job, group, t.name) : undefined;
        launched = await this.attempts.launch(this.attemptJob(job, t), Number(clusterName.slice(clusterName.lastIndexOf('-') + 1)), dns);
      } catch (error) {
        if (!(error instanceof SkyportError)) throw error;
        launched = await attemptLaunchOf(this.db, clusterName);
        if (!launched) {
          await this.endTask(job, t, ManagedJobStatus.Failed, `its launch was refused: ${error.message}`);
          return;
        }
      }
    }
    await this.db.manager.update(ManagedJobTaskEntity, { jobId: job.id, taskIndex: t.taskIndex, clusterName }, { clusterJobId: launched.jobId });
  }

  private async stepTask(job: ManagedJobEntity, t: ManagedJobTaskEntity): Promise<void> {
    const launched = t.clusterName ? await attemptLaunchOf(this.db, t.clusterName) : undefined;
    if (!launched) return this.ensureLaunched(job, t);
    const [request] = (await this.db.query(`SELECT status, error_code, error_message FROM requests WHERE id = $1`, [launched.requestId])) as Array<{ status: RequestStatus; error_code: string | null; error_message: string | null }>;
    const [cluster] = (await this.db.query(`SELECT status, status_reason FROM clusters WHERE name = $1`, [t.clusterName])) as Array<{ status: ClusterStatus; status_reason: string | null }>;
    const [clusterJob] = (await this.db.query(`SELECT status, exit_codes, started_at FROM jobs WHERE cluster_name = $1 AND request_id = $2`, [t.clusterName, launched.requestId])) as Array<{
      status: JobStatus;
      exit_codes: number[] | null;
      started_at: Date | null;
    }>;
    const decision = decideAttempt({
      status: t.status,
      restartCount: t.restartCount,
      recovery: t.recovery,
      request: request ? { status: request.status, errorCode: request.error_code, errorMessage: request.error_message } : null,
      cluster: cluster ? { status: cluster.status, statusReason: cluster.status_reason } : null,
      job: clusterJob ? { status: clusterJob.status, exitCodes: clusterJob.exit_codes, startedAt: clusterJob.started_at } : null,
    });
    if (decision.kind === 'running' || (clusterJob?.started_at && t.status !== ManagedJobStatus.Running && decision.kind !== 'wait')) {
      await this.db.manager.query(`UPDATE managed_job_tasks SET status = $3, started_at = coalesce(started_at, $4) WHERE job_id = $1 AND task_index = $2`, [
        job.id,
        t.taskIndex,
        ManagedJobStatus.Running,
        clusterJob?.started_at ?? new Date(),
      ]);
    }
    await this.apply(job, t, decision, cluster?.status ?? null, launched.requestId);
  }

  private async apply(job: ManagedJobEntity, t: ManagedJobTaskEntity, decision: AttemptDecision, clusterStatus: ClusterStatus | null, requestId: string): Promise<void> {
    const cluster = t.clusterName as string;
    switch (decision.kind) {
      case 'wait':
      case 'running':
        return;
      case 'succeeded':
      case 'failed':
      case 'failed-no-resource': {
        if (decision.kind !== 'failed-no-resource' && !(await attemptLogsStored(this.db, cluster, requestId))) return;
        // As SkyPilot's job group: a task that ended keeps its cluster until the whole group ends (settle tears
        // every cluster down then); one that found no resources has nothing running to keep.
        if (decision.kind === 'failed-no-resource') await this.attempts.tearDown(this.attemptJob(job, t), cluster, clusterStatus);
        const status = decision.kind === 'succeeded' ? ManagedJobStatus.Succeeded : decision.kind === 'failed' ? ManagedJobStatus.Failed : ManagedJobStatus.FailedNoResource;
        await this.endTask(job, t, status, decision.kind === 'succeeded' ? null : decision.reason);
        return;
      }
      case 'restart':
      case 'recover': {
        if (decision.kind === 'restart' && !(await attemptLogsStored(this.db, cluster, requestId))) return;
        await this.attempts.tearDown(this.attemptJob(job, t), cluster, clusterStatus);
        // A fresh cluster number from the job's counter (shared by its tasks), so names never repeat.
        const [{ attempt }] = (await this.db.query(`UPDATE managed_jobs SET attempt = attempt + 1, updated_at = now() WHERE id = $1 RETURNING attempt`, [job.id])) as Array<{ attempt: number }>;
        const counter = decision.kind === 'restart' ? 'restart_count' : 'recovery_count';
        const next = attemptClusterName(job.id, attempt);
        await this.db.manager.query(`UPDATE managed_job_tasks SET status = $3, cluster_name = $4, cluster_job_id = NULL, ${counter} = ${counter} + 1 WHERE job_id = $1 AND task_index = $2`, [
          job.id,
          t.taskIndex,
          ManagedJobStatus.Recovering,
          next,
        ]);
        this.logger.info({ managedJob: job.id, task: t.name, cluster: next }, `managed job ${job.id}: task '${t.name}' ${decision.kind === 'restart' ? 'restarting' : 'recovering'}: ${decision.reason}`);
        const moved = await this.db.manager.findOneByOrFail(ManagedJobTaskEntity, { jobId: job.id, taskIndex: t.taskIndex });
        await this.ensureLaunched({ ...job, attempt }, moved);
        return;
      }
    }
  }

  private async endTask(job: ManagedJobEntity, t: ManagedJobTaskEntity, status: ManagedJobStatus, reason: string | null): Promise<void> {
    await this.db.manager.query(`UPDATE managed_job_tasks SET status = $3, failure_reason = $4, ended_at = coalesce(ended_at, now()) WHERE job_id = $1 AND task_index = $2`, [
      job.id,
      t.taskIndex,
      status,
      reason,
    ]);
    this.logger.info({ managedJob: job.id, task: t.name, status }, `managed job ${job.id}: task '${t.name}' ${status}${reason ? `: ${reason}` : ''}`);
  }

  /** After the tasks moved: the job follows them (RUNNING once one runs), cancels auxiliaries once the primaries ended, and ends. */
  private async settle(job: ManagedJobEntity, group: JobGroupHeader, tasks: ManagedJobTaskEntity[]): Promise<void> {
    const { over, aborted, cancelAfter } = groupProgress(group, tasks, Date.now());
    if (over) {
      const live = tasks.filter((t) => !ended(t.status));
      if (live.length) {
        for (const t of live) {
          if (t.status === ManagedJobStatus.Cancelling || cancelAfter(t) > Date.now()) continue;
          const why = aborted
            ? `task '${aborted.name}' could not be launched, which ends the group`
            : primariesFailed(group, tasks)
              ? 'a primary task of the group failed'
              : 'every primary task of the group finished';
          await this.cancelTask(job, t, why);
        }
        return;
      }
      // Every task ended: now, and only now, the clusters the ended tasks kept go (SkyPilot's cleanup at the group's end).
      const kept = await this.standingClusters(tasks);
      for (const { task, status } of kept) await this.attempts.tearDown(this.attemptJob(job, task), task.clusterName as string, status);
      const { status, reason } = groupOutcome(group, tasks, aborted);
      const outcome = reason ? `${status}: ${reason}` : `SUCCEEDED: every primary task succeeded`;
      const clusters = kept.length ? `; the clusters its tasks kept are torn down: ${kept.map((k) => k.task.clusterName).join(', ')}` : '';
      await this.transition(job, status, { endedAt: new Date(), failureReason: reason }, `managed job ${job.id} (job group '${group.name}') ${outcome}${clusters}`);
      return;
    }
    const running = tasks.find((t) => t.status === ManagedJobStatus.Running);
    if (running && job.status !== ManagedJobStatus.Running) {
      await this.transition(job, ManagedJobStatus.Running, { startedAt: job.startedAt ?? running.startedAt ?? new Date() }, `managed job ${job.id} (job group '${group.name}') is running: task '${running.name}' on '${running.clusterName}'`);
    }
  }

  /** An auxiliary task the group no longer needs, or any task of a cancelled group: CANCELLING until its cluster is gone. */
  private async cancelTask(job: ManagedJobEntity, t: ManagedJobTaskEntity, why: string): Promise<void> {
    this.logger.info({ managedJob: job.id, task: t.name }, `managed job ${job.id}: cancelling task '${t.name}': ${why}`);
    await this.db.manager.query(`UPDATE managed_job_tasks SET status = $3 WHERE job_id = $1 AND task_index = $2`, [job.id, t.taskIndex, ManagedJobStatus.Cancelling]);
    await this.finishTaskCancel(job, { ...t, status: ManagedJobStatus.Cancelling });
  }

  /** Tears the task's cluster down; CANCELLED once it is gone. True when it is. */
  private async finishTaskCancel(job: ManagedJobEntity, t: ManagedJobTaskEntity): Promise<boolean> {
    if (t.clusterName) {
      const [cluster] = (await this.db.query(`SELECT status FROM clusters WHERE name = $1`, [t.clusterName])) as Array<{ status: ClusterStatus }>;
      const status = cluster?.status ?? null;
      if (status !== null && status !== ClusterStatus.Terminated) {
        await this.attempts.tearDown(this.attemptJob(job, t), t.clusterName, status);
        return false;
      }
    }
    await this.endTask(job, t, ManagedJobStatus.Cancelled, null);
    return true;
  }

  /**
   * The group is CANCELLING: every task still running is cancelled, and the clusters that tasks which already ended
   * kept are torn down too; CANCELLED once all of them are gone.
   */
  private async finishCancel(job: ManagedJobEntity): Promise<void> {
    const tasks = await this.tasks(job.id);
    let gone = true;
    for (const t of tasks) {
      if (ended(t.status)) continue;
      if (!(await this.finishTaskCancel(job, t))) gone = false;
    }
    for (const { task, status } of await this.standingClusters(tasks.filter((t) => ended(t.status)))) {
      await this.attempts.tearDown(this.attemptJob(job, task), task.clusterName as string, status);
      gone = false;
    }
    if (gone) await this.transition(job, ManagedJobStatus.Cancelled, { endedAt: new Date() }, `managed job ${job.id} CANCELLED; the clusters of its tasks are gone`);
  }

  /** The clusters of these tasks that still stand (not TERMINATED, no row gone). */
  private async standingClusters(tasks: ManagedJobTaskEntity[]): Promise<Array<{ task: ManagedJobTaskEntity; status: ClusterStatus }>> {
    const names = tasks.map((t) => t.clusterName).filter((n): n is string => !!n);
    if (!names.length) return [];
    const rows = (await this.db.query(`SELECT name, status FROM clusters WHERE name = ANY($1) AND status <> $2`, [names, ClusterStatus.Terminated])) as Array<{ name: string; status: ClusterStatus }>;
    return rows.map((r) => ({ task: tasks.find((t) => t.clusterName === r.name) as ManagedJobTaskEntity, status: r.status }));
  }

  private async tasks(jobId: number): Promise<ManagedJobTaskEntity[]> {
    return (await tasksOf(this.db.manager, [jobId])).get(jobId) ?? [];
  }

  /** As the runner's transition (from the status it was read in, with an event), without touching task rows beyond `also`. */
  private async transition(
    job: ManagedJobEntity,
    to: ManagedJobStatus,
    patch: Partial<ManagedJobEntity>,
    message: string,
    also?: (tx: import('typeorm').EntityManager) => Promise<void>,
  ): Promise<ManagedJobEntity | undefined> {
    return this.db.transaction(async (tx) => {
      const result = await tx.update(ManagedJobEntity, { id: job.id, status: job.status }, entityPatch<ManagedJobEntity>({ ...patch, status: to, updatedAt: new Date() }));
      if (!result.affected) return undefined;
      await also?.(tx);
      const updated = await tx.findOneByOrFail(ManagedJobEntity, { id: job.id });
      await recordEvent(tx, SOURCE, {
        type: managedJobEventType(to),
        message,
        data: { managedJobId: job.id, status: to, from: job.status, team: job.team, jobGroup: jobGroupOf(job)?.name },
      });
      this.logger.info({ managedJob: job.id, from: job.status, to }, message);
      return updated;
    });
  }
}
