import { JobStatus, TERMINAL_JOB_STATUSES, logStreamPhase, phaseFile, type LogStreamName } from '@skyport/contracts';
import { listClusterNodes, type ClusterNode, type ClusterPlacement, type KubeClientProvider } from '@skyport/kube';
import type { Logger } from '@skyport/service-kit';
import type { DataSource } from 'typeorm';
import { splitLines } from './line-splitter';
import { LogStore, OffsetMoved, type NodePosition, type StreamKey } from './log-store';
import { readNodeFile } from './node-file.reader';

export interface TailSettings {
  /** Bytes read per exec: the most output held in memory per job at a time. */
  chunkBytes: number;
  lineCap: number;
  /** Pause between reads when nothing new came. */
  idleMs: number;
}

const TAILED_STREAMS: LogStreamName[] = ['setup', 'job'];

/**
 * Tails one job's output files on every node into Postgres until the job has ended and every byte is stored.
 * Reads are pulls from the stored offset (one exec per node per round, at most `chunkBytes`), so a slow
 * database slows the reading (back-pressure) and memory stays bounded.
 */
export class JobLogWorker {
  private nodes: ClusterNode[] = [];
  private readonly positions = new Map<LogStreamName, Map<number, NodePosition>>();
  private readonly done = new Set<LogStreamName>();

  constructor(
    private readonly cluster: ClusterPlacement,
    private readonly jobId: number,
    private readonly deps: { db: DataSource; store: LogStore; kube: KubeClientProvider; logger: Logger; settings: TailSettings; stopped: () => boolean },
  ) {}

  async run(): Promise<void> {
    for (const stream of TAILED_STREAMS) {
      const key = this.key(stream);
      if (await this.deps.store.isDone(key)) this.done.add(stream);
      else this.positions.set(stream, await this.deps.store.positions(key));
    }
    let failures = 0;
    while (this.done.size < TAILED_STREAMS.length && !this.deps.stopped()) {
      try {
        const progressed = await this.round();
        failures = 0;
        if (!progressed) await sleep(this.deps.settings.idleMs);
      } catch (error) {
        if (error instanceof OffsetMoved) {
          for (const stream of TAILED_STREAMS) if (!this.done.has(stream)) this.positions.set(stream, await this.deps.store.positions(this.key(stream)));
          continue;
        }
        failures++;
        this.nodes = [];
        if (await this.giveUp(error, failures)) return;
        await sleep(Math.min(200 * 2 ** failures, 5_000));
      }
    }
  }

  /** One pass over every stream and node; true when any bytes were read. */
  private async round(): Promise<boolean> {
    // The job's state is read BEFORE the files: once it is past a phase, that phase's files are complete, so
    // a pass that then finds nothing new has everything.
    const status = await this.jobStatus();
    if (this.nodes.length === 0) this.nodes = await listClusterNodes(this.deps.kube, this.cluster);
    let progressed = false;
    for (const stream of TAILED_STREAMS) {
      if (this.done.has(stream)) continue;
      const final = stream === 'setup' ? status !== JobStatus.Pending && status !== JobStatus.SettingUp : TERMINAL_JOB_STATUSES.has(status);
      let readAny = false;
      for (const node of this.nodes) readAny = (await this.readNode(stream, node, final)) || readAny;
      progressed ||= readAny;
      if (final && !readAny) {
        await this.deps.store.markDone(this.key(stream));
        this.done.add(stream);
      }
    }
    return progressed;
  }

  private async readNode(stream: LogStreamName, node: ClusterNode, final: boolean): Promise<boolean> {
    const { chunkBytes, lineCap } = this.deps.settings;
    const positions = this.positions.get(stream)!;
    const from = positions.get(node.rank) ?? { offset: 0, skipping: false };
    const chunk = await readNodeFile(node.target, phaseFile(this.jobId, logStreamPhase(stream)!, 'log'), from.offset, chunkBytes);
    if (!chunk.exists || chunk.data.length === 0) return false;
    const split = splitLines(chunk.data, from, { lineCap, final: final && chunk.data.length < chunkBytes });
    if (split.consumed === 0) return false;
    const to = { offset: from.offset + split.consumed, skipping: split.skipping };
    await this.deps.store.append(this.key(stream), node.rank, from, to, split.lines);
    positions.set(node.rank, to);
    return true;
  }

  /** A job that has ended on a cluster that is gone cannot be read any more: close its streams with a note. */
  private async giveUp(error: unknown, failures: number): Promise<boolean> {
    const status = await this.jobStatus().catch(() => undefined);
    const message = error instanceof Error ? error.message : String(error);
    if (status !== undefined && TERMINAL_JOB_STATUSES.has(status) && failures >= 3) {
      for (const stream of TAILED_STREAMS) {
        if (this.done.has(stream)) continue;
        await this.deps.store.markDone(this.key(stream), `[skyport: the rest of this output could not be read: ${message}]`);
        this.done.add(stream);
      }
      return true;
    }
    if (failures % 10 === 1) this.deps.logger.warn({ cluster: this.cluster.name, jobId: this.jobId, err: message }, 'cannot read job output yet; retrying');
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

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
