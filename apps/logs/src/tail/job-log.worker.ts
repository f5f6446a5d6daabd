import { JobStatus, TERMINAL_JOB_STATUSES, logStreamPhase, type LogStreamName } from '@skyport/contracts';
import type { ClusterPlacement } from '@skyport/kube';
import type { Logger } from '@skyport/service-kit';
import type { DataSource } from 'typeorm';
import type { LogStore, StreamKey } from './log-store';
import type { NodeLogSource, NodeLogSourceProvider } from './node-log-source';
import { NodeStreamFollower, type FollowerStats, type PhaseState } from './node-stream.follower';

export interface TailSettings {
  /** Most bytes of one node's output held in memory before they are stored; also one catch-up read. */
  chunkBytes: number;
  lineCap: number;
  /** Pause between checks of the job's state (in Postgres), and the first retry delay. */
  idleMs: number;
  /**
   * How long a node's stream may go on after the job's state says its phase is over (the node normally ends
   * it within a second); then it is closed and the rest read once.
   */
  endGraceMs: number;
}

const TAILED_STREAMS: LogStreamName[] = ['setup', 'job'];

/**
 * Tails one job's output on every node into Postgres until the job has ended and every byte is stored: per
 * stream (setup, job) and node, one `NodeStreamFollower` holding one long-lived stream from the stored offset,
 * so a running job costs a constant number of requests to the node's API, not one per poll. The job's state is
 * watched in Postgres only.
 */
export class JobLogWorker {
  private readonly followers = new Map<LogStreamName, NodeStreamFollower[]>();
  private readonly lastError = new Map<LogStreamName, string>();
  private stopping = false;
  private finished = false;
  private wakeWatcher?: () => void;

  constructor(
    private readonly cluster: ClusterPlacement,
    private readonly jobId: number,
    private readonly deps: {
      db: DataSource;
      store: LogStore;
      sources: NodeLogSourceProvider;
      logger: Logger;
      settings: TailSettings;
      stopped: () => boolean;
    },
  ) {}

  /** Ends every stream now (service shutdown); stored output stays and the next worker resumes from it. */
  stop(): void {
    this.stopping = true;
    for (const list of this.followers.values()) for (const f of list) f.stop();
    this.wakeWatcher?.();
  }

  /** What every node's follower did so far, by stream. */
  stats(): Record<string, FollowerStats[]> {
    return Object.fromEntries([...this.followers].map(([stream, list]) => [stream, list.map((f) => ({ ...f.stats }))]));
  }

  async run(): Promise<void> {
    const pending: LogStreamName[] = [];
    for (const stream of TAILED_STREAMS) if (!(await this.deps.store.isDone(this.key(stream)))) pending.push(stream);
    if (pending.length === 0) return;
    const nodes = await this.nodes(pending);
    if (!nodes) return;
    const watcher = this.watchPhases(pending);
    try {
      await Promise.all(pending.map((stream) => this.tailStream(stream, nodes)));
    } finally {
      this.finished = true;
      this.wakeWatcher?.();
      await watcher;
    }
  }

  private isStopped(): boolean {
    return this.stopping || this.deps.stopped();
  }

  /** The cluster's nodes; undefined when the streams were closed instead (the cluster is gone for good). */
  private async nodes(pending: LogStreamName[]): Promise<NodeLogSource[] | undefined> {
    for (let failures = 0; !this.isStopped(); ) {
      try {
        const nodes = await this.deps.sources.nodesOf(this.cluster);
        if (nodes.length > 0) return nodes;
        // No pods (yet, or any more): nothing can be read; once the job has ended there is nothing to wait for.
        if (TERMINAL_JOB_STATUSES.has(await this.jobStatus())) {
          for (const stream of pending) await this.deps.store.markDone(this.key(stream));
          return undefined;
        }
        await sleep(this.deps.settings.idleMs);
      } catch (error) {
        failures++;
        if (await this.giveUp(error, failures)) {
          for (const stream of pending) await this.deps.store.markDone(this.key(stream), unreadableNote(error));
          return undefined;
        }
        await sleep(Math.min(200 * 2 ** failures, 5_000));
      }
    }
    return undefined;
  }

  private async tailStream(stream: LogStreamName, nodes: NodeLogSource[]): Promise<void> {
    const key = this.key(stream);
    const phase = logStreamPhase(stream)!;
    const positions = await this.deps.store.positions(key);
    const followers = nodes.map(
      (node) =>
        new NodeStreamFollower(node, key, this.jobId, phase, positions.get(node.rank) ?? { offset: 0, skipping: false }, {
          store: this.deps.store,
          settings: { bufferBytes: this.deps.settings.chunkBytes, lineCap: this.deps.settings.lineCap, idleMs: this.deps.settings.idleMs },
          phaseState: () => this.phaseState(stream),
          stopped: () => this.isStopped(),
          giveUp: async (error, failures) => {
            this.lastError.set(stream, unreadableNote(error));
            return this.giveUp(error, failures);
          },
        }),
    );
    this.followers.set(stream, followers);
    if (this.stopping) followers.forEach((f) => f.stop());
    const outcomes = await Promise.all(followers.map((f) => f.run()));
    if (outcomes.includes('stopped')) return;
    await this.deps.store.markDone(key, outcomes.includes('gave-up') ? this.lastError.get(stream) : undefined);
  }

  /**
   * Watches the job's state while streams are open: once a phase has been over for `endGraceMs` and a node's
   * stream still runs, that follower finishes with catch-up reads.
   */
  private async watchPhases(streams: LogStreamName[]): Promise<void> {
    const overSince = new Map<LogStreamName, number>();
    while (!this.finished && !this.isStopped()) {
      const status = await this.jobStatus().catch(() => undefined);
      if (status !== undefined) {
        for (const stream of streams) {
          if (!phaseOf(stream, status).over) continue;
          const since = overSince.get(stream) ?? Date.now();
          overSince.set(stream, since);
          if (Date.now() - since >= this.deps.settings.endGraceMs) this.followers.get(stream)?.forEach((f) => f.finishNow());
        }
      }
      if (this.finished) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.deps.settings.idleMs);
        this.wakeWatcher = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  private async phaseState(stream: LogStreamName): Promise<PhaseState> {
    return phaseOf(stream, await this.jobStatus());
  }

  /** A job that has ended on a cluster that cannot be reached any more: close its streams with a note. */
  private async giveUp(error: unknown, failures: number): Promise<boolean> {
    const status = await this.jobStatus().catch(() => undefined);
    if (status !== undefined && TERMINAL_JOB_STATUSES.has(status) && failures >= 3) return true;
    if (failures % 10 === 1) {
      this.deps.logger.warn({ cluster: this.cluster.name, jobId: this.jobId, err: error instanceof Error ? error.message : String(error) }, 'cannot read job output yet; retrying');
    }
    return false;
  }

  private async jobStatus(): Promise<JobStatus> {
    const rows: Array<{ status: JobStatus }> = await this.deps.db.query(`SELECT status FROM jobs WHERE cluster_name = $1 AND job_id = $2`, [this.cluster.name, this.jobId]);
    return rows[0]?.status ?? JobStatus.Cancelled;
  }

  private key(stream: LogStreamName): StreamKey {
    return { clusterName: this.cluster.name, jobId: this.jobId, stream };
  }
}

/** Where a job in `status` is with the phase behind `stream`. */
function phaseOf(stream: LogStreamName, status: JobStatus): PhaseState {
  const terminal = TERMINAL_JOB_STATUSES.has(status);
  if (stream === 'setup') return { started: status !== JobStatus.Pending, over: status !== JobStatus.Pending && status !== JobStatus.SettingUp };
  return { started: status === JobStatus.Running || terminal, over: terminal };
}

function unreadableNote(error: unknown): string {
  return `[skyport: the rest of this output could not be read: ${error instanceof Error ? error.message : String(error)}]`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
