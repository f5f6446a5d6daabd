import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource, In, Not } from 'typeorm';
import { ClusterStatus, ManagedJobStatus, SkyportError, TERMINAL_MANAGED_JOB_STATUSES, managedJobEventType, type JobStatus, type RequestStatus } from '@skyport/contracts';
import { ManagedJobEntity, ManagedJobTaskEntity, entityPatch, recordEvent } from '@skyport/persistence';
import { LeaderLease, SERVICE_CONFIG, SERVICE_LOGGER, runPeriodically, type Logger, type Periodic } from '@skyport/service-kit';
import type { ApiConfig } from '../config';
import { decideAttempt, type AttemptDecision, type AttemptObservation } from './managed-job-decision';
import { ManagedJobAttempts } from './managed-job-attempts';
import { attemptClusterName } from './managed-job-view';
import { markTaskSucceeded, syncCurrentTask, taskAt } from './managed-job-tasks';
import { attemptLaunchOf, attemptLogsStored } from './managed-job-cluster-state';
import { ManagedJobGroups, jobGroupOf } from './managed-job-group.service';

const SOURCE = 'api';
const ACTIVE = [ManagedJobStatus.Starting, ManagedJobStatus.Running, ManagedJobStatus.Recovering];

/**
 * The managed-jobs controller, in the api (no controller cluster): one replica at a time (a Postgres lease) walks
 * every unfinished managed job, looks at its current attempt's request, cluster and job, and moves it on — launch,
 * recover, restart, finish, cancel. All state is in Postgres, so a restart or a second replica picks up where the
 * last pass stopped; a submit or cancel wakes the pass at once.
 */
@Injectable()
export class ManagedJobRunner implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly lease: LeaderLease;
  private periodic?: Periodic;
  private running?: Promise<void>;
  private again = false;

  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(ManagedJobAttempts) private readonly attempts: ManagedJobAttempts,
    @Inject(ManagedJobGroups) private readonly groups: ManagedJobGroups,
    @Inject(SERVICE_CONFIG) private readonly config: ApiConfig,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {
    this.lease = new LeaderLease({ databaseUrl: config.SKYPORT_DATABASE_URL, name: 'api.managed-jobs', logger, checkIntervalMs: 2_000, onChange: (leader) => leader && this.wake() });
  }

  onApplicationBootstrap(): void {
    this.lease.start();
    this.periodic = runPeriodically(
      () => this.pass(),
      () => this.config.SKYPORT_MANAGED_JOBS_SECONDS * 1000,
      (e) => this.logger.warn({ err: e instanceof Error ? e.message : String(e) }, 'managed jobs pass failed'),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    this.periodic?.stop();
    await this.running?.catch(() => undefined);
    await this.lease.stop();
  }

  /** Run a pass soon (after a submit or cancel); a pass already running runs once more after it. */
  wake(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    void this.pass().catch((e: unknown) => this.logger.warn({ err: e instanceof Error ? e.message : String(e) }, 'managed jobs pass failed'));
  }

  /** One pass over every unfinished managed job, on the leader only. */
  async pass(): Promise<void> {
    if (!this.lease.isLeader) return;
    if (this.running) return this.running;
    this.running = (async () => {
      do {
        this.again = false;
        const jobs = await this.db.manager.find(ManagedJobEntity, { where: { status: Not(In([...TERMINAL_MANAGED_JOB_STATUSES])) }, order: { id: 'ASC' } });
        for (const job of jobs) {
          if (!this.lease.isLeader) return;
          await this.step(job).catch((e: unknown) => this.logger.warn({ managedJob: job.id, err: e instanceof Error ? e.message : String(e) }, 'managed job step failed; retried next pass'));
        }
      } while (this.again);
    })().finally(() => (this.running = undefined));
    return this.running;
  }

  private async step(job: ManagedJobEntity): Promise<void> {
    // A job group's tasks run at once, each with its own attempt state on its task row.
    const group = jobGroupOf(job);
    if (group) return this.groups.step(job, group);
    if (job.status === ManagedJobStatus.Pending) return this.beginAttempt(job, ManagedJobStatus.Starting, {}, `managed job ${job.id}: launching its cluster`);
    if (job.status === ManagedJobStatus.Cancelling) return this.finishCancel(job);
    if (!ACTIVE.includes(job.status)) return;
    if (!job.clusterRequestId) return this.ensureLaunched(job);
    const observed = await this.observe(job);
    const decision = decideAttempt(observed.observation);
    const startedAt = observed.observation.job?.startedAt;
    // A job that ran and ended between two passes still shows RUNNING (an event) before its end.
    if (startedAt && job.status !== ManagedJobStatus.Running && decision.kind !== 'wait' && decision.kind !== 'running') {
      const moved = await this.transition(job, ManagedJobStatus.Running, { startedAt: job.startedAt ?? startedAt }, `managed job ${job.id} ran on cluster '${job.clusterName}'`);
      if (!moved) return;
      job = moved;
    }
    await this.apply(job, decision, observed.clusterStatus);
  }

  private async observe(job: ManagedJobEntity): Promise<{ observation: AttemptObservation; clusterStatus: ClusterStatus | null }> {
    const [request] = (await this.db.query(`SELECT status, error_code, error_message FROM requests WHERE id = $1`, [job.clusterRequestId])) as Array<{ status: RequestStatus; error_code: string | null; error_message: string | null }>;
    const [cluster] = (await this.db.query(`SELECT status, status_reason FROM clusters WHERE name = $1`, [job.clusterName])) as Array<{ status: ClusterStatus; status_reason: string | null }>;
    const [clusterJob] = (await this.db.query(`SELECT status, exit_codes, started_at FROM jobs WHERE cluster_name = $1 AND request_id = $2`, [job.clusterName, job.clusterRequestId])) as Array<{
      status: JobStatus;
      exit_codes: number[] | null;
      started_at: Date | null;
    }>;
    return {
      clusterStatus: cluster?.status ?? null,
      observation: {
        status: job.status,
        restartCount: job.restartCount,
        recovery: job.recovery,
        request: request ? { status: request.status, errorCode: request.error_code, errorMessage: request.error_message } : null,
        cluster: cluster ? { status: cluster.status, statusReason: cluster.status_reason } : null,
        job: clusterJob ? { status: clusterJob.status, exitCodes: clusterJob.exit_codes, startedAt: clusterJob.started_at } : null,
      },
    };
  }

  private async apply(job: ManagedJobEntity, decision: AttemptDecision, clusterStatus: ClusterStatus | null): Promise<void> {
    const cluster = job.clusterName as string;
    switch (decision.kind) {
      case 'wait':
        return;
      case 'running':
        await this.transition(job, ManagedJobStatus.Running, { startedAt: job.startedAt ?? new Date() }, `managed job ${job.id} is running on cluster '${cluster}'`);
        return;
      case 'succeeded':
      case 'failed':
      case 'failed-no-resource': {
        if (decision.kind !== 'failed-no-resource' && !(await this.logsStored(job))) return;
        // The cluster first: a failed teardown leaves the job as it was, and the next pass tries again.
        await this.attempts.tearDown(job, cluster, clusterStatus);
        if (decision.kind === 'succeeded' && (await this.nextTask(job))) return;
        const status = decision.kind === 'succeeded' ? ManagedJobStatus.Succeeded : decision.kind === 'failed' ? ManagedJobStatus.Failed : ManagedJobStatus.FailedNoResource;
        const reason = decision.kind === 'succeeded' ? null : decision.reason;
        await this.transition(job, status, { endedAt: new Date(), failureReason: reason }, `managed job ${job.id} ${status}${reason ? `: ${reason}` : ''}; its cluster '${cluster}' is torn down`);
        return;
      }
      case 'restart':
      case 'recover': {
        if (decision.kind === 'restart' && !(await this.logsStored(job))) return;
        await this.attempts.tearDown(job, cluster, clusterStatus);
        const counters = decision.kind === 'restart' ? { restartCount: job.restartCount + 1 } : { recoveryCount: job.recoveryCount + 1 };
        const what = decision.kind === 'restart' ? 'restarting' : 'recovering';
        await this.beginAttempt(job, ManagedJobStatus.Recovering, counters, `managed job ${job.id} ${what}: ${decision.reason}`);
        return;
      }
    }
  }

  /** A new attempt: recorded first (its cluster name, the counters), then launched, so a crash between re-launches the same attempt. */
  private async beginAttempt(job: ManagedJobEntity, status: ManagedJobStatus, counters: Partial<ManagedJobEntity>, message: string): Promise<void> {
    const attempt = job.attempt + 1;
    const moved = await this.transition(job, status, { ...counters, attempt, clusterName: attemptClusterName(job.id, attempt), clusterRequestId: null, clusterJobId: null }, message);
    if (moved) await this.ensureLaunched(moved);
  }

  /**
   * A pipeline's task succeeded and another follows: the job moves to it (its task, recovery, secrets and
   * placement; its own counters from 0) and launches it on a cluster of its own. False when it was the last task.
   */
  private async nextTask(job: ManagedJobEntity): Promise<boolean> {
    const next = await taskAt(this.db.manager, job.id, job.currentTask + 1);
    if (!next) return false;
    const attempt = job.attempt + 1;
    const options: ManagedJobEntity['launchOptions'] = { ...job.launchOptions };
    delete options.placement;
    const moved = await this.transition(
      job,
      ManagedJobStatus.Starting,
      {
        currentTask: next.taskIndex,
        task: next.task,
        recovery: next.recovery,
        taskId: next.taskId,
        sealedSecrets: next.sealedSecrets,
        launchOptions: { ...options, ...(next.placement ? { placement: next.placement } : {}) },
        restartCount: 0,
        recoveryCount: 0,
        failureReason: null,
        attempt,
        clusterName: attemptClusterName(job.id, attempt),
        clusterRequestId: null,
        clusterJobId: null,
      },
      `managed job ${job.id}: task ${job.currentTask} SUCCEEDED on '${job.clusterName}'; launching task ${next.taskIndex}${next.name ? ` '${next.name}'` : ''}`,
    );
    if (moved) await this.ensureLaunched(moved);
    return true;
  }

  /** Launches the recorded attempt's cluster, or adopts the launch a previous (interrupted) pass already made. */
  private async ensureLaunched(job: ManagedJobEntity): Promise<void> {
    const clusterName = job.clusterName as string;
    let launched = await this.launchOf(clusterName);
    if (!launched) {
      try {
        launched = await this.attempts.launch(job, job.attempt);
      } catch (error) {
        if (!(error instanceof SkyportError)) throw error;
        // Another pass launched it meanwhile (a lease handed over mid-launch): adopt that launch.
        launched = await this.launchOf(clusterName);
        if (!launched) {
          // Refused outright (policy, quota with fail-fast, a task no longer valid): the job cannot run.
          await this.transition(job, ManagedJobStatus.Failed, { endedAt: new Date(), failureReason: error.message }, `managed job ${job.id} FAILED: its launch was refused: ${error.message}`);
          return;
        }
      }
    }
    await this.db.manager.update(ManagedJobEntity, { id: job.id, clusterName }, { clusterRequestId: launched.requestId, clusterJobId: launched.jobId, updatedAt: new Date() });
    await this.db.manager.update(ManagedJobTaskEntity, { jobId: job.id, taskIndex: job.currentTask, clusterName }, { clusterJobId: launched.jobId });
  }

  private logsStored(job: ManagedJobEntity): Promise<boolean> {
    return attemptLogsStored(this.db, job.clusterName, job.clusterRequestId);
  }

  private launchOf(clusterName: string): Promise<{ requestId: string; jobId: number | null } | undefined> {
    return attemptLaunchOf(this.db, clusterName);
  }

  /** CANCELLING: tear the cluster down; CANCELLED once it is gone. */
  private async finishCancel(job: ManagedJobEntity): Promise<void> {
    if (job.clusterName) {
      const [cluster] = (await this.db.query(`SELECT status FROM clusters WHERE name = $1`, [job.clusterName])) as Array<{ status: ClusterStatus }>;
      const status = cluster?.status ?? null;
      if (status !== null && status !== ClusterStatus.Terminated) {
        await this.attempts.tearDown(job, job.clusterName, status);
        return;
      }
    }
    await this.transition(job, ManagedJobStatus.Cancelled, { endedAt: new Date() }, `managed job ${job.id} CANCELLED${job.clusterName ? `; its cluster '${job.clusterName}' is gone` : ''}`);
  }

  /**
   * Moves the job from the status it was read in, with an event, in one transaction. Nothing happens when the
   * status changed meanwhile (a cancel from the api wins over this pass's decision); returns the updated row.
   */
  private async transition(job: ManagedJobEntity, to: ManagedJobStatus, patch: Partial<ManagedJobEntity>, message: string): Promise<ManagedJobEntity | undefined> {
    return this.db.transaction(async (tx) => {
      const result = await tx.update(ManagedJobEntity, { id: job.id, status: job.status, attempt: job.attempt }, entityPatch<ManagedJobEntity>({ ...patch, status: to, updatedAt: new Date() }));
      if (!result.affected) return undefined;
      const updated = await tx.findOneByOrFail(ManagedJobEntity, { id: job.id });
      if (updated.currentTask !== job.currentTask) await markTaskSucceeded(tx, job.id, job.currentTask);
      await syncCurrentTask(tx, updated);
      if (to !== job.status || patch.attempt !== undefined) {
        await recordEvent(tx, SOURCE, {
          type: managedJobEventType(to),
          message,
          clusterName: updated.clusterName,
          data: { managedJobId: job.id, status: to, from: job.status, cluster: updated.clusterName, task: updated.currentTask, recoveryCount: updated.recoveryCount, restartCount: updated.restartCount, team: job.team },
        });
      }
      this.logger.info({ managedJob: job.id, from: job.status, to, cluster: updated.clusterName }, message);
      return updated;
    });
  }
}
