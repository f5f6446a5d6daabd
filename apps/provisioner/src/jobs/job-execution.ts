import type { KubeClientProvider } from '@skyport/kube';
import { JobStatus, type JobPhase } from '@skyport/contracts';
import type { ClusterEntity, JobEntity } from '@skyport/persistence';
import type { Logger } from '@skyport/service-kit';
import type { ClusterNode, ClusterNodes } from './cluster-nodes';
import { jobEnvironment } from './job-env';
import type { JobRecords } from './job-records';
import { nodeLossOf } from './node-loss';
import { jobOwnerKey, startPhaseScript, waitPhaseScript } from './node-scripts';
import type { PodStartWatch } from './pod-job-watch';
import { ANNOTATION_NODE_IPS, ANNOTATION_RUN_GO } from './pod-start';

export interface DriverSettings {
  /** Longest single wait exec; the wait is repeated, so a broken connection is noticed within this. */
  waitSliceSeconds: number;
  killGraceSeconds: number;
  execTimeoutMs: number;
}

type PhaseOutcome = { kind: 'teardown' } | { kind: 'exit'; codes: number[] } | { kind: 'failed'; codes: number[]; rank: number } | { kind: 'lost'; rank: number } | { kind: 'cancelled' };

class JobCancelled extends Error {}

/**
 * One job on its cluster, from its start (or re-attaching to it after a restart) to its end: setup (for a launch's
 * job), run, and the outcome recorded. The processes run detached on the nodes; this starts them, waits for
 * their exit files and records what happened. Several run at once on a cluster when the job queue admits them.
 */
export class JobExecution {
  private cancelWanted = false;
  private tearingDown = false;
  private abort = new AbortController();
  /** Set when the pods started the job themselves (SKYPORT_JOB_START=pod): their container logs, by rank. */
  private watches?: PodStartWatch[];

  constructor(
    private readonly job: JobEntity,
    private readonly deps: { records: JobRecords; nodes: ClusterNodes; kube: KubeClientProvider; logger: Logger; settings: DriverSettings },
  ) {}

  /** Stops the job's processes on every node; the job ends CANCELLED. */
  cancel(): void {
    this.cancelWanted = true;
    this.abort.abort();
  }

  /** The cluster is being torn down: stop waiting; the driver stops the processes and ends the job. */
  tearDown(): void {
    this.tearingDown = true;
    this.abort.abort();
  }

  /** The service is stopping: stop waiting (the job keeps running in the pods). */
  interrupt(): void {
    this.abort.abort();
  }

  async run(cluster: ClusterEntity, stopped: () => boolean): Promise<void> {
    const { job } = this;
    const { records } = this.deps;
    const log = this.deps.logger.child({ cluster: cluster.name, jobId: job.jobId });
    try {
      if (await this.cancelRequested()) throw new JobCancelled();
      const nodes = await this.deps.nodes.of(cluster);
      if (nodes.length < cluster.numNodes || nodes.some((n) => n.phase !== 'Running')) {
        const running = nodes.filter((n) => n.phase === 'Running').length;
        return await records.finish(job, JobStatus.FailedDriver, null, `only ${running} of ${cluster.numNodes} nodes are running${await this.lossOf(cluster)}`);
      }
      const task = job.task;
      // The launch's pods started this job themselves (SKYPORT_JOB_START=pod): follow their logs instead of exec.
      if (job.status === JobStatus.Pending && nodes.every((n) => n.startedJob === job.jobId && n.watchStart)) {
        // The IPs' PATCHes go out first: on a 100-node job they are the slow part of the start (5.8 s for 100 on
        // the loaded 2-core KWOK host) and the pods wait for them. The log watches can connect after them: a log
        // holds every line since its container started.
        const ips = nodes.length > 1 ? Promise.all(nodes.map((n) => n.annotate?.({ [ANNOTATION_NODE_IPS]: nodes.map((x) => x.ip).join('\n') }))) : undefined;
        this.watches = nodes.map((n) => n.watchStart?.(job.jobId) as PodStartWatch);
        for (const w of this.watches) w.start();
        await ips;
      }
      const inPod = this.watches !== undefined;
      // The pods have their environment already: no need to read it.
      const envFor = inPod ? () => ({}) : await this.environmentOf(cluster, nodes, task);

      if (job.status !== JobStatus.Running && task.setup && (await records.runsSetup(job))) {
        if (job.status === JobStatus.Pending) {
          if (!(await records.transition(job, [JobStatus.Pending], JobStatus.SettingUp, `job ${job.jobId}: running setup on ${nodes.length} node(s)`))) return;
        }
        if (!inPod) await this.startPhase('setup', nodes, envFor, task.setup);
        const setup = await this.awaitPhase('setup', nodes, stopped);
        if (setup === undefined || setup.kind === 'teardown') return;
        if (setup.kind === 'cancelled') throw new JobCancelled();
        if (setup.kind === 'lost') return await records.finish(job, JobStatus.FailedDriver, null, `setup on node ${setup.rank} stopped without an exit code (the pod restarted or the process was killed)${await this.lossOf(cluster)}`);
        if (setup.kind === 'failed') return await records.finish(job, JobStatus.FailedSetup, setup.codes, `setup failed on node ${setup.rank} (exit code ${setup.codes[setup.rank]})`);
        // Every node's setup succeeded: the in-pod start of a multi-node job waits for this before run.
        if (inPod && nodes.length > 1) await Promise.all(nodes.map((n) => n.annotate?.({ [ANNOTATION_RUN_GO]: '1' })));
      }
      if (!task.run) {
        if (job.status !== JobStatus.Running && !(await this.markRunning(nodes))) return;
        return await records.finish(job, JobStatus.Succeeded, nodes.map(() => 0), `job ${job.jobId} has no run command`);
      }
      // RUNNING once the run phase has started on every node (starting is idempotent: a restart between the
      // two finds it started and only records the state).
      if (!inPod) await this.startPhase('run', nodes, envFor, task.run);
      else {
        const started = await this.allStarted('run', stopped);
        if (started === undefined) return;
        if (started === 'cancelled') throw new JobCancelled();
      }
      if (job.status !== JobStatus.Running && !(await this.markRunning(nodes)) && !(await this.runningElsewhere())) {
        // Someone moved the job first (a cancel of the queued job): what was just started must not run on.
        await this.deps.nodes.kill(nodes, job.jobId);
        return;
      }
      const run = await this.awaitPhase('run', nodes, stopped);
      if (run === undefined || run.kind === 'teardown') return;
      if (run.kind === 'cancelled') throw new JobCancelled();
      if (run.kind === 'lost') return await records.finish(job, JobStatus.FailedDriver, null, `the job on node ${run.rank} stopped without an exit code (the pod restarted or the process was killed)${await this.lossOf(cluster)}`);
      if (run.kind === 'failed') return await records.finish(job, JobStatus.Failed, run.codes, `job ${job.jobId} failed on node ${run.rank} (exit code ${run.codes[run.rank]})`);
      await records.finish(job, JobStatus.Succeeded, run.codes, `job ${job.jobId} succeeded`);
    } catch (error) {
      if (error instanceof JobCancelled || (this.cancelWanted && !stopped())) {
        log.info('cancelling');
        await this.deps.nodes.killEverywhere(cluster, job.jobId).catch((e: unknown) => log.warn({ err: String(e) }, 'could not stop every process of a cancelled job'));
        await records.finish(job, JobStatus.Cancelled, null, `job ${job.jobId} was cancelled`);
        return;
      }
      if (stopped() || this.tearingDown) return;
      // Kubernetes trouble: leave the job as it is; the next pass re-attaches to it.
      log.warn({ err: error instanceof Error ? error.message : String(error) }, 'job step failed; retrying');
      await new Promise((r) => setTimeout(r, 2_000));
    } finally {
      for (const w of this.watches ?? []) w.stop();
    }
  }

  /** The in-pod start said `<phase> started` on every node; undefined on a stop or teardown. */
  private async allStarted(phase: JobPhase, stopped: () => boolean): Promise<'ok' | 'cancelled' | undefined> {
    const watches = this.watches ?? [];
    for (;;) {
      if (stopped() || this.tearingDown) return undefined;
      if (await this.cancelRequested()) return 'cancelled';
      if (this.abort.signal.aborted) this.abort = new AbortController();
      const seen = await Promise.all(watches.map((w) => w.until((x) => x.state(phase).started, this.abort.signal)));
      if (seen.every(Boolean)) return 'ok';
    }
  }

  private async environmentOf(cluster: ClusterEntity, nodes: ClusterNode[], task: { envs?: Record<string, string | null> }): Promise<(rank: number) => Record<string, string>> {
    const { job } = this;
    const secrets = await this.deps.records.secrets(job.requestId);
    const taskId = await this.deps.records.taskId(job.requestId);
    return (rank) => jobEnvironment({ task, secrets, clusterName: cluster.name, jobId: job.jobId, nodes, rank, devices: job.devices ?? undefined, infra: cluster.infra, taskId });
  }

  private async cancelRequested(): Promise<boolean> {
    if (!this.cancelWanted && (await this.deps.records.cancelRequested(this.job.jobId))) this.cancelWanted = true;
    return this.cancelWanted;
  }

  /** `: <why each lost node stopped>` (container exit code and reason, deleted pod), or '' (see node-loss.ts). */
  private async lossOf(cluster: ClusterEntity): Promise<string> {
    const loss = await nodeLossOf(this.deps.kube, cluster);
    return loss.length > 0 ? `: ${loss.join('; ')}` : '';
  }

  /** Another provisioner replica driving the same job recorded it RUNNING first: wait for it here too. */
  private async runningElsewhere(): Promise<boolean> {
    const status = await this.deps.records.statusOf(this.job.jobId);
    if (status !== JobStatus.Running) return false;
    this.job.status = status;
    return true;
  }

  private markRunning(nodes: ClusterNode[]): Promise<boolean> {
    const { job } = this;
    return this.deps.records.transition(job, [JobStatus.Pending, JobStatus.SettingUp], JobStatus.Running, `job ${job.jobId} is running on ${nodes.length} node(s)`);
  }

  /** Starts a phase on every node: one exec each writes its files and starts it detached (idempotent). */
  private async startPhase(phase: JobPhase, nodes: ClusterNode[], envFor: (rank: number) => Record<string, string>, command: string): Promise<void> {
    const { execTimeoutMs } = this.deps.settings;
    await Promise.all(
      nodes.map((n) => n.exec(['sh', '-s'], { stdin: startPhaseScript(this.job.jobId, phase, envFor(n.rank), command, jobOwnerKey(this.job)), timeoutMs: execTimeoutMs, purpose: 'phase-start' })),
    );
  }

  /**
   * Waits until a started phase ends on every node, or fails somewhere — then the other nodes are stopped.
   * Undefined when the service is stopping (the job keeps running in the pods).
   */
  private async awaitPhase(phase: JobPhase, nodes: ClusterNode[], stopped: () => boolean): Promise<PhaseOutcome | undefined> {
    const { waitSliceSeconds } = this.deps.settings;
    const jobId = this.job.jobId;
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
        // A wake-up (a cancel, a teardown) is read from the flags below; a later one aborts the fresh signal.
        if (this.abort.signal.aborted) this.abort = new AbortController();
        if (this.tearingDown) return settle({ kind: 'teardown' });
        if (await this.cancelRequested()) return settle({ kind: 'cancelled' });
        const signal = AbortSignal.any([this.abort.signal, phaseAbort.signal]);
        const watch = this.watches?.[i];
        const answer = watch
          ? await watch.until((w) => w.state(phase).end !== undefined, signal).then((seen) => {
              const end = watch.state(phase).end;
              return seen ? (end === 'lost' ? 'lost' : `exit ${end}`) : 'running';
            })
          : await nodes[i].exec(['sh', '-c', waitPhaseScript(jobId, phase, waitSliceSeconds)], {
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
    if (verdict.kind !== 'cancelled' && (await this.cancelRequested())) verdict = { kind: 'cancelled' };
    if (verdict.kind === 'cancelled') return verdict;
    // A teardown stops the processes too (below), and the driver then ends every unfinished job.
    await this.deps.nodes.kill(nodes, jobId);
    if (verdict.kind === 'teardown') return undefined;
    if (verdict.kind === 'failed') return { ...verdict, codes: codes.map((c) => c ?? 137) };
    return verdict;
  }
}
