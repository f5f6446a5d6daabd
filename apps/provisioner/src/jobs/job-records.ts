import { JobStatus, RequestKind, RequestStatus, launchPayloadOf } from '@skyport/contracts';
import { ClusterEntity, JobEntity, LIVE_REQUEST_STATUSES, RequestEntity, readRequestSecrets, transitionRequest } from '@skyport/persistence';
import type { DataSource } from 'typeorm';
import { transitionJobs, type JobsOf } from '../state/job-transition';
import { observeLaunchJobStarted } from './job-start-metrics';

const SOURCE = 'provisioner';
export const ACTIVE_JOB_STATUSES = [JobStatus.Pending, JobStatus.SettingUp, JobStatus.Running];

/**
 * A cluster's job rows as the driver changes them: each change is a compare-and-set on the job's status with its
 * event, the request's status and the cluster's activity time in one transaction, so two provisioner replicas
 * driving the same job record each step once.
 */
export class JobRecords {
  constructor(
    private readonly db: DataSource,
    private readonly clusterName: string,
  ) {}

  /** Compare-and-set of the job's state with its event (`job.<to>`); false when someone else moved it first. */
  async transition(job: JobEntity, from: JobStatus[], to: JobStatus, message: string): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const now = new Date();
      const moved = await transitionJobs(tx, this.rowOf(job), { from, to, event: { message: () => message } });
      if (!moved.length) return false;
      job.status = to;
      await tx.update(ClusterEntity, { name: this.clusterName }, { lastActivityAt: now });
      if (job.requestId) {
        await transitionRequest(tx, SOURCE, job.requestId, { from: [RequestStatus.Pending], to: RequestStatus.Running });
        if (to === JobStatus.Running) await observeLaunchJobStarted(tx, job.requestId);
      }
      return true;
    });
  }

  /** Ends an unfinished job (and its request); nothing when it has ended already. */
  async finish(job: JobEntity, status: JobStatus, exitCodes: number[] | null, message: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const event = { message: () => message, data: exitCodes ? { exitCodes } : undefined };
      if (!(await transitionJobs(tx, this.rowOf(job), { from: ACTIVE_JOB_STATUSES, to: status, exitCodes, event })).length) return;
      await tx.update(ClusterEntity, { name: this.clusterName }, { lastActivityAt: new Date() });
      if (job.requestId) {
        const requestStatus = status === JobStatus.Succeeded ? RequestStatus.Succeeded : status === JobStatus.Cancelled ? RequestStatus.Cancelled : RequestStatus.Failed;
        await transitionRequest(tx, SOURCE, job.requestId, {
          from: LIVE_REQUEST_STATUSES,
          to: requestStatus,
          errorCode: requestStatus === RequestStatus.Failed ? 'JOB_FAILED' : null,
          errorMessage: requestStatus === RequestStatus.Failed ? message : null,
        });
      }
    });
    job.status = status;
  }

  private rowOf(job: JobEntity): JobsOf {
    return { clusterName: this.clusterName, jobId: job.jobId };
  }

  async statusOf(jobId: number): Promise<JobStatus | undefined> {
    const job = await this.db.getRepository(JobEntity).findOne({ where: { clusterName: this.clusterName, jobId }, select: { status: true } });
    return job?.status;
  }

  async cancelRequested(jobId: number): Promise<boolean> {
    const rows: unknown[] = await this.db.query(`SELECT 1 FROM job_cancel_requests WHERE cluster_name = $1 AND job_id = $2`, [this.clusterName, jobId]);
    return rows.length > 0;
  }

  async secrets(requestId: string | null): Promise<Record<string, string>> {
    if (!requestId) return {};
    return readRequestSecrets(this.db.manager, requestId);
  }

  /** The stable `SKYPILOT_TASK_ID` its request carries (a managed job's attempts share one), if any. */
  async taskId(requestId: string | null): Promise<string | undefined> {
    if (!requestId) return undefined;
    const request = await this.db.getRepository(RequestEntity).findOne({ where: { id: requestId } });
    return launchPayloadOf(request?.payload)?.taskId;
  }

  /** Setup runs for the job that launched the cluster (as `sky launch` does), not for `exec` jobs. */
  async runsSetup(job: JobEntity): Promise<boolean> {
    if (!job.requestId) return false;
    const request = await this.db.getRepository(RequestEntity).findOne({ where: { id: job.requestId } });
    return request?.kind === RequestKind.Launch;
  }
}
