import { Inject, Injectable, Optional, type OnApplicationBootstrap, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ClusterStatus, JOB_CANCEL_CHANNEL, JobStatus, QueueName, RequestStatus, type ExecPayload } from '@skyport/contracts';
import { KubeClientProvider } from '@skyport/kube';
import { JobEntity, LIVE_REQUEST_STATUSES, transitionRequest } from '@skyport/persistence';
import { PgListener, QueueWorkers, SERVICE_CONFIG, SERVICE_LOGGER, runPeriodically, type Logger, type Periodic } from '@skyport/service-kit';
import type { ProvisionerConfig } from '../config';
import { ClusterJobDriver, type DriverSettings, type LaunchedPods } from './job-driver';
import { CloudNodes } from '../cloud/cloud-nodes.service';
import { transitionJobs } from '../state/job-transition';

const RECONCILE_MS = 2_000;
const SETTINGS: DriverSettings = { waitSliceSeconds: 20, killGraceSeconds: 5, execTimeoutMs: 30_000 };
/** Jobs a cancel ends in Postgres alone: no process of theirs runs anywhere yet. */
const NOT_STARTED: readonly JobStatus[] = [JobStatus.Init, JobStatus.Pending];

/**
 * The job queue of every cluster. `exec` queue messages, the reconcile pass (at start and every few seconds:
 * UP clusters with unfinished jobs) and cancel notifications all lead to one driver per cluster, which runs
 * that cluster's jobs side by side while their resources fit, in submission order otherwise (job-admission.ts).
 * Postgres and the pods hold all state, so a restart of this service loses nothing: the reconcile pass
 * re-attaches to running jobs.
 *
 * The provisioner's launch path marks the cluster UP and then calls `clusterUp` in-process, so the first job
 * (setup, then run) starts at once, on the pods the launch saw; the reconcile pass is the fallback (a crash
 * between the two, another replica).
 */
@Injectable()
export class JobRunner implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly drivers = new Map<string, { driver: ClusterJobDriver; done: Promise<void> }>();
  private readonly kube: KubeClientProvider;
  private stopping = false;
  private periodic?: Periodic;
  private unsubscribe: Array<() => void> = [];

  constructor(
    @Inject(QueueWorkers) private readonly workers: QueueWorkers,
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(SERVICE_CONFIG) private readonly config: ProvisionerConfig,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
    @Inject(PgListener) private readonly listener: PgListener,
    @Optional() @Inject(CloudNodes) private readonly cloud?: CloudNodes,
  ) {
    this.kube = KubeClientProvider.fromSource({ paths: config.KUBECONFIG ? config.KUBECONFIG.split(':') : undefined });
  }

  onModuleInit(): void {
    this.workers.register(QueueName.Exec, (payload) => this.onExec(payload));
  }

  async onApplicationBootstrap(): Promise<void> {
    // A cancel notification applies cancels at once; while the listener is down they apply at the next reconcile,
    // and when it is back (onGap) at once.
    const applyCancels = (): void => void this.applyCancels().catch((e: unknown) => this.logger.warn({ err: String(e) }, 'cancel failed'));
    this.unsubscribe = [this.listener.listen(JOB_CANCEL_CHANNEL, applyCancels), this.listener.onGap(applyCancels)];
    if (!(await this.listener.ready())) this.logger.warn('cancel listener unavailable; cancels apply at the next reconcile');
    this.periodic = runPeriodically(
      () => this.reconcile(),
      () => RECONCILE_MS,
      (e) => this.logger.warn({ err: e instanceof Error ? e.message : String(e) }, 'job reconcile failed'),
    );
  }

  async onExec(payload: ExecPayload): Promise<void> {
    const job = await this.db.getRepository(JobEntity).findOne({ where: { clusterName: payload.clusterName, jobId: payload.jobId } });
    if (!job) throw new Error(`job ${payload.jobId} of cluster ${payload.clusterName} does not exist`);
    this.kick(payload.clusterName);
  }

  /** A launch brought the cluster up (its row is UP, committed): run its jobs now. */
  clusterUp(clusterName: string, pods?: LaunchedPods): void {
    if (this.stopping) return;
    const driver = this.kick(clusterName);
    if (pods) driver.offerLaunchedPods(pods);
  }

  kick(clusterName: string): ClusterJobDriver {
    const running = this.drivers.get(clusterName);
    if (running) {
      running.driver.kick();
      return running.driver;
    }
    const driver = new ClusterJobDriver(clusterName, { db: this.db, kube: this.kube, logger: this.logger, settings: SETTINGS, cloudNodes: this.cloud?.nodesOf });
    const done = driver
      .run(() => this.stopping)
      .catch((e: unknown) => this.logger.warn({ cluster: clusterName, err: e instanceof Error ? e.message : String(e) }, 'job driver stopped'))
      .finally(() => this.drivers.delete(clusterName));
    this.drivers.set(clusterName, { driver, done });
    return driver;
  }

  async reconcile(): Promise<void> {
    await this.applyCancels();
    const rows: Array<{ cluster_name: string }> = await this.db.query(
      `SELECT DISTINCT j.cluster_name FROM jobs j JOIN clusters c ON c.name = j.cluster_name
       WHERE j.status IN ($1, $2, $3) AND c.status NOT IN ($4, $5)`,
      [JobStatus.Pending, JobStatus.SettingUp, JobStatus.Running, ClusterStatus.Init, ClusterStatus.Provisioning],
    );
    for (const r of rows) if (!this.drivers.has(r.cluster_name)) this.kick(r.cluster_name);
    const tearingDown: Array<{ name: string }> = await this.db.query(
      `SELECT c.name FROM clusters c WHERE c.status = $1 AND EXISTS (SELECT 1 FROM jobs j WHERE j.cluster_name = c.name AND j.status IN ($2, $3))`,
      [ClusterStatus.TearingDown, JobStatus.SettingUp, JobStatus.Running],
    );
    for (const c of tearingDown) this.drivers.get(c.name)?.driver.tearDown();
  }

  /**
   * Cancel requests for unfinished jobs: jobs that have not started (INIT, PENDING) end at once, in Postgres alone —
   * whatever their cluster is (it may never have come up) — and running ones are stopped by their driver.
   */
  private async applyCancels(): Promise<void> {
    const rows: Array<{ cluster_name: string; job_id: number; status: JobStatus; request_id: string | null }> = await this.db.query(
      `SELECT j.cluster_name, j.job_id, j.status, j.request_id FROM job_cancel_requests r JOIN jobs j ON j.cluster_name = r.cluster_name AND j.job_id = r.job_id
       WHERE j.status IN ($1, $2, $3, $4)`,
      [JobStatus.Init, JobStatus.Pending, JobStatus.SettingUp, JobStatus.Running],
    );
    for (const row of rows) {
      if (NOT_STARTED.includes(row.status)) {
        // Lost only to a job that started meanwhile: its driver stops it. An INIT job may also have become PENDING
        // (its files synced): the next pass ends it.
        if ((await this.cancelQueued(row.cluster_name, row.job_id, row.request_id)) || row.status === JobStatus.Init) continue;
      }
      this.kick(row.cluster_name).cancel(row.job_id);
    }
  }

  /**
   * Ends a job that never started. CANCELLED, unless its own request already ended FAILED (the autodown reconciler
   * gave up on a stuck launch and asked for its job to end): then FAILED, as a launch that fails here ends its job.
   */
  private async cancelQueued(clusterName: string, jobId: number, requestId: string | null): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const request: Array<{ status: RequestStatus; error_message: string | null }> = requestId
        ? await tx.query(`SELECT status, error_message FROM requests WHERE id = $1`, [requestId])
        : [];
      const failed = request[0]?.status === RequestStatus.Failed;
      const status = failed ? JobStatus.Failed : JobStatus.Cancelled;
      const message = failed
        ? `job ${jobId} did not start: its request failed${request[0]?.error_message ? `: ${request[0].error_message}` : ''}`
        : `job ${jobId} was cancelled before it started`;
      if (!(await transitionJobs(tx, { clusterName, jobId }, { from: NOT_STARTED, to: status, event: { message: () => message } })).length) return false;
      if (requestId) await transitionRequest(tx, 'provisioner', requestId, { from: LIVE_REQUEST_STATUSES, to: RequestStatus.Cancelled });
      return true;
    });
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    this.periodic?.stop();
    for (const { driver } of this.drivers.values()) driver.stop();
    await Promise.all([...this.drivers.values()].map((d) => d.done));
    for (const stop of this.unsubscribe) stop();
  }
}
