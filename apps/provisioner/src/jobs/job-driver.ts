import { execCommand, inNodeHome, kubernetesContextOf, listClusterNodes, type KubeClientProvider } from '@skyport/kube';
import {
  ClusterStatus,
  JobStatus,
  RequestKind,
  RequestStatus,
  TERMINAL_CLUSTER_STATUSES,
  TERMINAL_REQUEST_STATUSES,
  NODE_CONTAINER,
  type JobPhase,
} from '@skyport/contracts';
import { ClusterEntity, JobEntity, RequestEntity, readRequestSecrets, recordEvent } from '@skyport/persistence';
import type { Logger } from '@skyport/service-kit';
import { In, type DataSource } from 'typeorm';
import { jobEnvironment } from './job-env';
import { killJobScript, startPhaseScript, waitPhaseScript } from './node-scripts';
import { nodeLossOf } from './node-loss';
import { observeLaunchJobStarted } from './job-start-metrics';

const SOURCE = 'provisioner';
const ACTIVE = [JobStatus.Pending, JobStatus.SettingUp, JobStatus.Running];

export interface DriverSettings {
  /** Longest single wait exec; the wait is repeated, so a broken connection is noticed within this. */
  waitSliceSeconds: number;
  killGraceSeconds: number;
  execTimeoutMs: number;
}

/**
 * A node the driver runs phases on: a pod (exec through the Kubernetes API) or a cloud VM (exec over SSH).
 * `exec` runs from the node's base directory, where the job files live: the container user's home on a pod
 * (`inNodeHome`), the login directory on a VM.
 */
export interface ClusterNode {
  rank: number;
  /** The pod, or the VM's instance id. */
  pod: string;
  /** For SKYPILOT_NODE_IPS only: Skyport never connects to it. */
  ip: string;
  phase: string;
  exec(argv: string[], opts: { stdin?: string | Buffer; timeoutMs?: number; signal?: AbortSignal; purpose?: string }): Promise<{ exitCode: number; stdout: string; stderr: string }>;
}

/**
 * The pods a launch has just seen Running, handed over in-process with the cluster: the first job starts on
 * them without listing the pods again. Used once; anything later (another job, a retry) lists the pods.
 */
export interface LaunchedPods {
  context: string;
  namespace: string;
  nodes: Array<{ rank: number; pod: string; ip: string }>;
}

/** The nodes of a cluster that is not on Kubernetes (cloud VMs); undefined for a Kubernetes cluster. */
export type CloudNodesOf = (cluster: ClusterEntity) => Promise<ClusterNode[] | undefined>;

type PhaseOutcome = { kind: 'teardown' } | { kind: 'exit'; codes: number[] } | { kind: 'failed'; codes: number[]; rank: number } | { kind: 'lost'; rank: number } | { kind: 'cancelled' };

class JobCancelled extends Error {}

/**
 * Runs one cluster's jobs strictly in submission order: the oldest unfinished job first (re-attaching to it when
 * it was already started, e.g. after a restart), then the next, until none is left. The job's processes run
 * detached in the pods; this only starts them, waits for their exit files and records the outcome.
 */
export class ClusterJobDriver {
  private kicked = false;
  private cancelWanted = new Set<number>();
  private abort = new AbortController();
  private tearingDown = false;
  private launched?: LaunchedPods;

  constructor(
    private readonly clusterName: string,
    private readonly deps: { db: DataSource; kube: KubeClientProvider; logger: Logger; settings: DriverSettings; cloudNodes?: CloudNodesOf },
  ) {}

  kick(): void {
    this.kicked = true;
  }

  /** The pods the launch that brought the cluster up saw Running (see LaunchedPods). */
  offerLaunchedPods(pods: LaunchedPods): void {
    this.launched = pods;
  }

  /** Stops the job's processes on every node; the job ends CANCELLED. */
  cancel(jobId: number): void {
    this.cancelWanted.add(jobId);
    this.abort.abort();
  }

  stop(): void {
    this.abort.abort();
  }

  /** The cluster is being torn down: stop waiting for the running job, stop its processes, end it. */
  tearDown(): void {
    if (this.tearingDown) return;
    this.tearingDown = true;
    this.abort.abort();
  }

  async run(stopped: () => boolean): Promise<void> {
    do {
      this.kicked = false;
      for (;;) {
        if (stopped()) return;
        const cluster = await this.deps.db.getRepository(ClusterEntity).findOne({ where: { name: this.clusterName } });
        if (!cluster) return;
        if (cluster.status !== ClusterStatus.Up) {
          if (cluster.status === ClusterStatus.TearingDown) await this.stopProcesses(cluster);
          if (cluster.status === ClusterStatus.TearingDown || TERMINAL_CLUSTER_STATUSES.has(cluster.status)) await this.endQueued(cluster.status);
          return;
        }
        const job = await this.deps.db
          .getRepository(JobEntity)
          .findOne({ where: { clusterName: this.clusterName, status: In(ACTIVE) }, order: { jobId: 'ASC' } });
        if (!job) break;
        await this.runJob(cluster, job, stopped);
      }
    } while (this.kicked && !stopped());
  }

  private async runJob(cluster: ClusterEntity, job: JobEntity, stopped: () => boolean): Promise<void> {
    const log = this.deps.logger.child({ cluster: this.clusterName, jobId: job.jobId });
    try {
      if (await this.cancelRequested(job.jobId)) throw new JobCancelled();
      const nodes = await this.nodesOf(cluster);
      if (nodes.length < cluster.numNodes || nodes.some((n) => n.phase !== 'Running')) {
        const running = nodes.filter((n) => n.phase === 'Running').length;
        return await this.finish(job, JobStatus.FailedDriver, null, `only ${running} of ${cluster.numNodes} nodes are running${await this.lossOf(cluster)}`);
      }
      const task = job.task as { setup?: string; run?: string; envs?: Record<string, string | null> };
      const secrets = await this.secrets(job.requestId);
      const envFor = (rank: number) => jobEnvironment({ task, secrets, clusterName: this.clusterName, jobId: job.jobId, nodes, rank });

      if (job.status !== JobStatus.Running && task.setup && (await this.runsSetup(job))) {
        if (job.status === JobStatus.Pending) {
          if (!(await this.transition(job, [JobStatus.Pending], JobStatus.SettingUp, 'job.setting_up', `job ${job.jobId}: running setup on ${nodes.length} node(s)`))) return;
        }
        await this.startPhase(job.jobId, 'setup', nodes, envFor, task.setup);
        const setup = await this.awaitPhase(job.jobId, 'setup', nodes, stopped);
        if (setup === undefined || setup.kind === 'teardown') return;
        if (setup.kind === 'cancelled') throw new JobCancelled();
        if (setup.kind === 'lost') return await this.finish(job, JobStatus.FailedDriver, null, `setup on node ${setup.rank} stopped without an exit code (the pod restarted or the process was killed)${await this.lossOf(cluster)}`);
        if (setup.kind === 'failed') return await this.finish(job, JobStatus.FailedSetup, setup.codes, `setup failed on node ${setup.rank} (exit code ${setup.codes[setup.rank]})`);
      }
      if (!task.run) {
        if (job.status !== JobStatus.Running && !(await this.markRunning(job, nodes))) return;
        return await this.finish(job, JobStatus.Succeeded, nodes.map(() => 0), `job ${job.jobId} has no run command`);
      }
      // RUNNING once the run phase has started on every node (starting is idempotent: a restart between the
      // two finds it started and only records the state).
      await this.startPhase(job.jobId, 'run', nodes, envFor, task.run);
      if (job.status !== JobStatus.Running && !(await this.markRunning(job, nodes))) {
        // Someone moved the job first (a cancel of the queued job): what was just started must not run on.
        await this.killOthers(nodes, job.jobId);
        return;
      }
      const run = await this.awaitPhase(job.jobId, 'run', nodes, stopped);
      if (run === undefined || run.kind === 'teardown') return;
      if (run.kind === 'cancelled') throw new JobCancelled();
      if (run.kind === 'lost') return await this.finish(job, JobStatus.FailedDriver, null, `the job on node ${run.rank} stopped without an exit code (the pod restarted or the process was killed)${await this.lossOf(cluster)}`);
      if (run.kind === 'failed') return await this.finish(job, JobStatus.Failed, run.codes, `job ${job.jobId} failed on node ${run.rank} (exit code ${run.codes[run.rank]})`);
      await this.finish(job, JobStatus.Succeeded, run.codes, `job ${job.jobId} succeeded`);
    } catch (error) {
      if (error instanceof JobCancelled || (this.cancelWanted.has(job.jobId) && !stopped())) {
        log.info('cancelling');
        await this.killEverywhere(cluster, job.jobId).catch((e: unknown) => log.warn({ err: String(e) }, 'could not stop every process of a cancelled job'));
        await this.finish(job, JobStatus.Cancelled, null, `job ${job.jobId} was cancelled`);
        this.cancelWanted.delete(job.jobId);
        return;
      }
      if (stopped()) return;
      // Kubernetes trouble: leave the job as it is; the next pass re-attaches to it.
      log.warn({ err: error instanceof Error ? error.message : String(error) }, 'job step failed; retrying');
      await new Promise((r) => setTimeout(r, 2_000));
    }
  }

  /** `: <why each lost node stopped>` (container exit code and reason, deleted pod), or '' (see node-loss.ts). */
  private async lossOf(cluster: ClusterEntity): Promise<string> {
    const loss = await nodeLossOf(this.deps.kube, cluster);
    return loss.length > 0 ? `: ${loss.join('; ')}` : '';
  }

  private markRunning(job: JobEntity, nodes: ClusterNode[]): Promise<boolean> {
    return this.transition(job, [JobStatus.Pending, JobStatus.SettingUp], JobStatus.Running, 'job.running', `job ${job.jobId} is running on ${nodes.length} node(s)`);
  }

  /** Starts a phase on every node: one exec each writes its files and starts it detached (idempotent). */
  private async startPhase(jobId: number, phase: JobPhase, nodes: ClusterNode[], envFor: (rank: number) => Record<string, string>, command: string): Promise<void> {
    const { execTimeoutMs } = this.deps.settings;
    await Promise.all(
      nodes.map((n) => n.exec(['sh', '-s'], { stdin: startPhaseScript(jobId, phase, envFor(n.rank), command), timeoutMs: execTimeoutMs, purpose: 'phase-start' })),
    );
  }

  /**
   * Waits until a started phase ends on every node, or fails somewhere — then the other nodes are stopped.
   * Undefined when the service is stopping (the job keeps running in the pods).
   */
  private async awaitPhase(jobId: number, phase: JobPhase, nodes: ClusterNode[], stopped: () => boolean): Promise<PhaseOutcome | undefined> {
    const { waitSliceSeconds } = this.deps.settings;
    // Each node is waited for on its own; the first failure (or a cancel) ends the wait on every node at once.
    const phaseAbort = new AbortController();
    const codes: Array<number | undefined> = nodes.map(() => undefined);
    let verdict: PhaseOutcome | undefined;
    const settle = (outcome: PhaseOutcome): void => {
      verdict ??= outcome;
      phaseAbort.abort();
    };
    const waitNode = async (i: number): Promise<void> => {
      while (codes[i] === undefined && !phaseAbort.signal.aborted) {
        if (stopped()) return phaseAbort.abort();
        if (this.abort.signal.aborted) this.abort = new AbortController();
        if (this.tearingDown) return settle({ kind: 'teardown' });
        if (this.cancelWanted.has(jobId) || (await this.cancelRequested(jobId))) return settle({ kind: 'cancelled' });
        const signal = AbortSignal.any([this.abort.signal, phaseAbort.signal]);
        const answer = await nodes[i].exec(['sh', '-c', waitPhaseScript(jobId, phase, waitSliceSeconds)], {
          timeoutMs: (waitSliceSeconds + 15) * 1000,
          signal,
          purpose: 'phase-wait',
        }).then(
          (r) => r.stdout.trim(),
          (e: unknown) => {
            if (signal.aborted) return 'running';
            throw e;
          },
        );
        const m = /^exit (\d+)/.exec(answer);
        if (m) {
          codes[i] = Number(m[1]);
          if (codes[i] !== 0) settle({ kind: 'failed', rank: nodes[i].rank, codes: [] });
        } else if (answer === 'lost' || answer === 'notstarted') {
          settle({ kind: 'lost', rank: nodes[i].rank });
        }
      }
    };
    await Promise.all(nodes.map((_, i) => waitNode(i)));
    if (stopped()) return undefined;
    if (!verdict) return { kind: 'exit', codes: codes as number[] };
    if (verdict.kind !== 'cancelled' && (this.cancelWanted.has(jobId) || (await this.cancelRequested(jobId)))) verdict = { kind: 'cancelled' };
    if (verdict.kind === 'cancelled') return verdict;
    // A teardown stops the processes too (below), and the driver then ends every unfinished job.
    await this.killOthers(nodes, jobId);
    if (verdict.kind === 'teardown') return undefined;
    if (verdict.kind === 'failed') return { ...verdict, codes: codes.map((c) => c ?? 137) };
    return verdict;
  }

  private async nodesOf(cluster: ClusterEntity): Promise<ClusterNode[]> {
    const cloud = await this.deps.cloudNodes?.(cluster);
    if (cloud) return cloud;
    const launched = this.takeLaunchedPods(cluster);
    if (launched) return launched;
    const pods = await listClusterNodes(this.deps.kube, cluster);
    return pods.map((n) => ({ rank: n.rank, pod: n.pod, ip: n.ip, phase: n.phase, exec: (argv, opts) => execCommand(n.target, inNodeHome(argv), opts) }));
  }

  /** The launch's pods, when they are this placement's (a relaunch elsewhere since makes them stale). */
  private takeLaunchedPods(cluster: ClusterEntity): ClusterNode[] | undefined {
    const launched = this.launched;
    this.launched = undefined;
    const context = kubernetesContextOf(cluster.infra);
    if (!launched || launched.context !== context || launched.namespace !== cluster.namespace) return undefined;
    const clients = this.deps.kube.forContext(context);
    return launched.nodes.map((n) => {
      const target = { clients, namespace: launched.namespace, pod: n.pod, container: NODE_CONTAINER };
      return { rank: n.rank, pod: n.pod, ip: n.ip, phase: 'Running', exec: (argv, opts) => execCommand(target, inNodeHome(argv), opts) };
    });
  }

  private async killOthers(nodes: ClusterNode[], jobId: number): Promise<void> {
    await Promise.all(nodes.map((n) => this.killOn(n, jobId)));
  }

  private async killEverywhere(cluster: ClusterEntity, jobId: number): Promise<void> {
    const nodes = await this.nodesOf(cluster);
    await this.killOthers(nodes, jobId);
  }

  private async killOn(node: ClusterNode, jobId: number): Promise<void> {
    const { killGraceSeconds, execTimeoutMs } = this.deps.settings;
    await node.exec(['sh', '-c', killJobScript(jobId, killGraceSeconds)], { timeoutMs: execTimeoutMs + killGraceSeconds * 1000 }).catch(
      (e: unknown) => this.deps.logger.warn({ pod: node.pod, err: String(e) }, 'could not stop a job process'),
    );
  }

  /** Setup runs for the job that launched the cluster (as `sky launch` does), not for `exec` jobs. */
  private async runsSetup(job: JobEntity): Promise<boolean> {
    if (!job.requestId) return false;
    const request = await this.deps.db.getRepository(RequestEntity).findOne({ where: { id: job.requestId } });
    return request?.kind === RequestKind.Launch;
  }

  private async cancelRequested(jobId: number): Promise<boolean> {
    const rows: unknown[] = await this.deps.db.query(`SELECT 1 FROM job_cancel_requests WHERE cluster_name = $1 AND job_id = $2`, [this.clusterName, jobId]);
    if (rows.length > 0) this.cancelWanted.add(jobId);
    return rows.length > 0;
  }

  private async secrets(requestId: string | null): Promise<Record<string, string>> {
    if (!requestId) return {};
    return readRequestSecrets(this.deps.db.manager, requestId);
  }

  /** Compare-and-set of the job's state with its event; false when someone else moved it first. */
  private async transition(job: JobEntity, from: JobStatus[], to: JobStatus, type: string, message: string): Promise<boolean> {
    return this.deps.db.transaction(async (tx) => {
      const now = new Date();
      const res = await tx
        .createQueryBuilder()
        .update(JobEntity)
        .set({ status: to, startedAt: () => 'COALESCE(started_at, now())' })
        .where('cluster_name = :c AND job_id = :j AND status IN (:...from)', { c: this.clusterName, j: job.jobId, from })
        .execute();
      if (!res.affected) return false;
      job.status = to;
      await tx.update(ClusterEntity, { name: this.clusterName }, { lastActivityAt: now });
      if (job.requestId) {
        await tx.update(RequestEntity, { id: job.requestId, status: RequestStatus.Pending }, { status: RequestStatus.Running });
        if (to === JobStatus.Running) await observeLaunchJobStarted(tx, job.requestId);
      }
      await recordEvent(tx, SOURCE, { type, message, requestId: job.requestId, clusterName: this.clusterName, jobId: job.jobId });
      return true;
    });
  }

  private async finish(job: JobEntity, status: JobStatus, exitCodes: number[] | null, message: string): Promise<void> {
    await this.deps.db.transaction(async (tx) => {
      const res = await tx
        .createQueryBuilder()
        .update(JobEntity)
        .set({ status, endedAt: () => 'now()', exitCodes })
        .where('cluster_name = :c AND job_id = :j AND status IN (:...active)', { c: this.clusterName, j: job.jobId, active: ACTIVE })
        .execute();
      if (!res.affected) return;
      await tx.update(ClusterEntity, { name: this.clusterName }, { lastActivityAt: new Date() });
      if (job.requestId) {
        const requestStatus = status === JobStatus.Succeeded ? RequestStatus.Succeeded : status === JobStatus.Cancelled ? RequestStatus.Cancelled : RequestStatus.Failed;
        await tx
          .createQueryBuilder()
          .update(RequestEntity)
          .set({
            status: requestStatus,
            errorCode: requestStatus === RequestStatus.Failed ? 'JOB_FAILED' : null,
            errorMessage: requestStatus === RequestStatus.Failed ? message : null,
          })
          .where('id = :id AND status NOT IN (:...terminal)', { id: job.requestId, terminal: [...TERMINAL_REQUEST_STATUSES] })
          .execute();
      }
      await recordEvent(tx, SOURCE, {
        type: `job.${status.toLowerCase()}`,
        message,
        requestId: job.requestId,
        clusterName: this.clusterName,
        jobId: job.jobId,
        data: exitCodes ? { exitCodes } : undefined,
      });
    });
    job.status = status;
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
      const nodes = await this.nodesOf(cluster);
      await Promise.all(running.map((job) => this.killOthers(nodes, job.jobId)));
    } catch (e) {
      this.deps.logger.warn({ cluster: this.clusterName, err: e instanceof Error ? e.message : String(e) }, 'could not stop the jobs of a cluster being torn down');
    }
  }

  /** The cluster is gone (or going): its unfinished jobs can never complete. */
  private async endQueued(clusterStatus: ClusterStatus): Promise<void> {
    const jobs = await this.deps.db.getRepository(JobEntity).find({ where: { clusterName: this.clusterName, status: In(ACTIVE) }, order: { jobId: 'ASC' } });
    for (const job of jobs) {
      await this.finish(
        job,
        job.status === JobStatus.Pending ? JobStatus.Cancelled : JobStatus.FailedDriver,
        null,
        `job ${job.jobId} ended: the cluster ${clusterStatus === ClusterStatus.TearingDown ? 'is being torn down' : `is ${clusterStatus}`}`,
      );
    }
  }
}
