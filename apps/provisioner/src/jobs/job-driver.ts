import type { KubeClientProvider } from '@skyport/kube';
import { ClusterStatus, JobStatus, TERMINAL_CLUSTER_STATUSES } from '@skyport/contracts';
import { ClusterEntity, JobEntity } from '@skyport/persistence';
import type { Logger } from '@skyport/service-kit';
import { nodeResourcesOf } from '@skyport/task-spec';
import { In, type DataSource } from 'typeorm';
import { ClusterNodes, type CloudNodesOf, type LaunchedPods } from './cluster-nodes';
import { admitJobs } from './job-admission';
import { JobExecution, type DriverSettings } from './job-execution';
import { ACTIVE_JOB_STATUSES, JobRecords } from './job-records';

export type { ClusterNode, CloudNodesOf, LaunchedPods } from './cluster-nodes';
export type { DriverSettings } from './job-execution';

/** How often a driver with queued jobs looks again without being woken (another replica ended a job). */
const RECHECK_MS = 2_000;

/**
 * One cluster's job queue. Each pass admits queued jobs whose resources fit beside the running ones (FIFO, see
 * job-admission.ts) and runs every admitted job at once, each in its own JobExecution (re-attaching to jobs that
 * were started before, e.g. after a restart); a pass follows a kick, the end of a job, or a short wait. `run`
 * returns once no job of the cluster is left unfinished (or the service stops).
 */
export class ClusterJobDriver {
  private kicked = false;
  private wake?: () => void;
  private readonly executions = new Map<number, { execution: JobExecution; done: Promise<void> }>();
  private readonly cancelWanted = new Set<number>();
  private readonly nodes: ClusterNodes;
  private readonly records: JobRecords;
  private tearingDown = false;

  constructor(
    private readonly clusterName: string,
    private readonly deps: { db: DataSource; kube: KubeClientProvider; logger: Logger; settings: DriverSettings; cloudNodes?: CloudNodesOf },
  ) {
    const { killGraceSeconds, execTimeoutMs } = deps.settings;
    this.nodes = new ClusterNodes({ kube: deps.kube, logger: deps.logger, killGraceSeconds, execTimeoutMs, cloudNodes: deps.cloudNodes });
    this.records = new JobRecords(deps.db, clusterName);
  }

  kick(): void {
    this.kicked = true;
    this.wake?.();
  }

  /** The pods the launch that brought the cluster up saw Running (see LaunchedPods). */
  offerLaunchedPods(pods: LaunchedPods): void {
    this.nodes.offerLaunchedPods(pods);
  }

  /** Stops the job's processes on every node; the job ends CANCELLED. */
  cancel(jobId: number): void {
    this.cancelWanted.add(jobId);
    this.executions.get(jobId)?.execution.cancel();
    this.kick();
  }

  stop(): void {
    for (const { execution } of this.executions.values()) execution.interrupt();
    this.wake?.();
  }

  /** The cluster is being torn down: stop waiting for the running jobs, stop their processes, end them. */
  tearDown(): void {
    if (this.tearingDown) return;
    this.tearingDown = true;
    for (const { execution } of this.executions.values()) execution.tearDown();
    this.wake?.();
  }

  async run(stopped: () => boolean): Promise<void> {
    try {
      await this.passes(stopped);
    } finally {
      await Promise.all([...this.executions.values()].map((e) => e.done));
    }
  }

  private async passes(stopped: () => boolean): Promise<void> {
    for (;;) {
      this.kicked = false;
      if (stopped()) return;
      const cluster = await this.deps.db.getRepository(ClusterEntity).findOne({ where: { name: this.clusterName } });
      if (!cluster) return;
      if (cluster.status !== ClusterStatus.Up) {
        if (cluster.status === ClusterStatus.TearingDown) {
          this.tearDown();
          await Promise.all([...this.executions.values()].map((e) => e.done));
          await this.stopProcesses(cluster);
        }
        if (cluster.status === ClusterStatus.TearingDown || TERMINAL_CLUSTER_STATUSES.has(cluster.status)) await this.endQueued(cluster.status);
        return;
      }
      const admission = await admitJobs(this.deps.db, cluster, nodeResourcesOf(cluster));
      for (const { job, reason } of admission.neverFit) {
        await this.records.finish(job, JobStatus.FailedDriver, null, `job ${job.jobId} can never run on cluster '${this.clusterName}': ${reason}`);
      }
      for (const job of admission.holding) if (!this.executions.has(job.jobId)) this.start(cluster, job, stopped);
      if (this.executions.size === 0 && admission.waiting === 0 && !this.kicked) return;
      await this.nextEvent(admission.waiting > 0 || this.executions.size === 0 ? RECHECK_MS : undefined);
    }
  }

  private start(cluster: ClusterEntity, job: JobEntity, stopped: () => boolean): void {
    const { kube, logger, settings } = this.deps;
    const execution = new JobExecution(job, { records: this.records, nodes: this.nodes, kube, logger, settings });
    if (this.cancelWanted.delete(job.jobId)) execution.cancel();
    if (this.tearingDown) execution.tearDown();
    const done = execution
      .run(cluster, stopped)
      .catch((e: unknown) => logger.warn({ cluster: this.clusterName, jobId: job.jobId, err: e instanceof Error ? e.message : String(e) }, 'job execution stopped'))
      .finally(() => {
        this.executions.delete(job.jobId);
        this.wake?.();
      });
    this.executions.set(job.jobId, { execution, done });
  }

  /** Until a kick, a job's end, a stop — or `ms`, when given. */
  private async nextEvent(ms?: number): Promise<void> {
    if (this.kicked) return;
    await new Promise<void>((resolve) => {
      const timer = ms === undefined ? undefined : setTimeout(resolve, ms);
      this.wake = () => {
        if (timer) clearTimeout(timer);
        resolve();
      };
    });
    this.wake = undefined;
  }

  /**
   * The cluster is being torn down: stop its jobs' processes while the pods still answer. Deleting a pod kills
   * them anyway on a real cluster; this makes it explicit (and holds where processes can outlive their pod).
   */
  private async stopProcesses(cluster: ClusterEntity): Promise<void> {
    const running = await this.deps.db
      .getRepository(JobEntity)
      .find({ where: { clusterName: this.clusterName, status: In([JobStatus.SettingUp, JobStatus.Running]) } });
    if (running.length === 0) return;
    try {
      const nodes = await this.nodes.of(cluster);
      await Promise.all(running.map((job) => this.nodes.kill(nodes, job.jobId)));
    } catch (e) {
      this.deps.logger.warn({ cluster: this.clusterName, err: e instanceof Error ? e.message : String(e) }, 'could not stop the jobs of a cluster being torn down');
    }
  }

  /** The cluster is gone (or going): its unfinished jobs can never complete. */
  private async endQueued(clusterStatus: ClusterStatus): Promise<void> {
    const jobs = await this.deps.db.getRepository(JobEntity).find({ where: { clusterName: this.clusterName, status: In(ACTIVE_JOB_STATUSES) }, order: { jobId: 'ASC' } });
    for (const job of jobs) {
      await this.records.finish(
        job,
        job.status === JobStatus.Pending ? JobStatus.Cancelled : JobStatus.FailedDriver,
        null,
        `job ${job.jobId} ended: the cluster ${clusterStatus === ClusterStatus.TearingDown ? 'is being torn down' : `is ${clusterStatus}`}`,
      );
    }
  }
}
