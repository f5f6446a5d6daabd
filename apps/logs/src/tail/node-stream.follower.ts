import type { JobPhase } from '@skyport/contracts';
import { splitLines } from './line-splitter';
import { OffsetMoved, type LogStore, type NodePosition, type StreamKey } from './log-store';
import type { FollowEnd, NodeLogSource } from './node-log-source';

export interface FollowSettings {
  /**
   * Most bytes of this node's output held in memory before they are stored. When the store falls behind and
   * this is reached, the stream is stopped and reopened from where storing stands once it caught up. Also the
   * size of one catch-up read.
   */
  bufferBytes: number;
  lineCap: number;
  /** First pause before retrying (a phase not started yet, a broken stream); doubles up to 5 s. */
  idleMs: number;
}

/** Where the job's state (in Postgres, not on the node) says this phase is. */
export interface PhaseState {
  /** Started: its log exists on the nodes, or will within moments. */
  started: boolean;
  /** Over: read before a stream is opened, it makes an absent log final. */
  over: boolean;
}

export interface FollowerDeps {
  store: Pick<LogStore, 'append' | 'positions'>;
  settings: FollowSettings;
  phaseState(): Promise<PhaseState>;
  stopped(): boolean;
  /** After `failures` failures in a row: true to stop retrying (the node cannot be reached any more). */
  giveUp(error: unknown, failures: number): Promise<boolean>;
}

export type FollowOutcome = 'complete' | 'stopped' | 'gave-up';

/** What one follower did, for tests and the benchmark's explanations. */
export interface FollowerStats {
  streamsOpened: number;
  reads: number;
  /** Times the stream was stopped because the store fell behind. */
  pauses: number;
  /** Most bytes held in memory at once. */
  peakHeldBytes: number;
}

const MAX_BACKOFF_MS = 5_000;

/**
 * Moves one node's output of one phase into the LogStore: one long-lived stream (`NodeLogSource.follow`) from
 * the stored offset while the phase runs, appended in order as it arrives, with the stored offset advanced in
 * the same transaction as the lines (exactly once, across crashes and other writers). Memory is bounded by
 * `bufferBytes`; a broken stream is reopened with backoff from where storing stands; once the node says the
 * phase is over, whatever the stream did not deliver is read with bounded pulls and the last line (without a
 * newline) is stored too.
 */
export class NodeStreamFollower {
  readonly stats: FollowerStats = { streamsOpened: 0, reads: 0, pauses: 0, peakHeldBytes: 0 };
  private position: NodePosition;
  /** Bytes after `position.offset` already split off but not stored: a partial line (at most the line cap). */
  private carry = Buffer.alloc(0);
  private queue: Buffer[] = [];
  private queued = 0;
  private pumping?: Promise<void>;
  private pumpError?: unknown;
  private streamAbort?: AbortController;
  private finishing = false;
  private stopping = false;
  private wake?: () => void;

  constructor(
    private readonly source: NodeLogSource,
    private readonly key: StreamKey,
    private readonly jobId: number,
    private readonly phase: JobPhase,
    start: NodePosition,
    private readonly deps: FollowerDeps,
  ) {
    this.position = start;
  }

  /**
   * The job's state says the phase is over but the node's stream has not ended (its processes outlived the
   * job, or the node stopped answering): stop following and finish with catch-up reads.
   */
  finishNow(): void {
    this.finishing = true;
    this.interrupt();
  }

  /** The service is shutting down: end the stream now; what is stored stays, the next run resumes from it. */
  stop(): void {
    this.stopping = true;
    this.interrupt();
  }

  private interrupt(): void {
    this.streamAbort?.abort();
    this.wake?.();
  }

  private isStopped(): boolean {
    return this.stopping || this.deps.stopped();
  }

  async run(): Promise<FollowOutcome> {
    let failures = 0;
    let absentRetries = 0;
    while (!this.isStopped()) {
      try {
        if (this.finishing) {
          await this.finish();
          return 'complete';
        }
        // Read BEFORE the stream opens: a log that is absent then is absent for good once the phase is over.
        const state = await this.deps.phaseState();
        if (!state.started && !state.over) {
          await this.pause(this.deps.settings.idleMs);
          continue;
        }
        const end = await this.stream();
        failures = 0;
        if (end === 'interrupted') continue;
        if (end.kind === 'absent') {
          if (state.over) return 'complete';
          await this.pause(backoff(this.deps.settings.idleMs, absentRetries++));
          continue;
        }
        await this.finish(end.size);
        return 'complete';
      } catch (error) {
        if (error instanceof OffsetMoved) {
          await this.reload();
          continue;
        }
        if (this.isStopped()) break;
        failures++;
        if (await this.deps.giveUp(error, failures)) return 'gave-up';
        await this.pause(backoff(this.deps.settings.idleMs, failures));
      }
    }
    return 'stopped';
  }

  /** Next byte wanted from the node: everything before it is stored or held here. */
  private received(): number {
    return this.position.offset + this.carry.length + this.queued;
  }

  private held(): number {
    return this.carry.length + this.queued;
  }

  /**
   * One stream from `received()`: its end, or 'interrupted' when it was stopped on purpose (the store fell
   * behind, `finishNow`, `stop`) — the caller's loop then decides what comes next.
   */
  private async stream(): Promise<FollowEnd | 'interrupted'> {
    const abort = new AbortController();
    this.streamAbort = abort;
    let paused = false;
    const bound = this.bound();
    const onData = (chunk: Buffer): void => {
      if (abort.signal.aborted) return;
      const room = bound - this.held();
      if (chunk.length > room) {
        // Keep what fits; the rest is read again from the file when the stream is reopened.
        if (room > 0) this.enqueue(chunk.subarray(0, room));
        paused = true;
        this.stats.pauses++;
        abort.abort();
        return;
      }
      this.enqueue(chunk);
    };
    this.stats.streamsOpened++;
    try {
      const end = await this.source.follow({ jobId: this.jobId, phase: this.phase, offset: this.received(), onData, signal: abort.signal });
      return paused ? 'interrupted' : end;
    } catch (error) {
      if ((paused || this.finishing || this.stopping) && !this.pumpError) return 'interrupted';
      throw error;
    } finally {
      // Late chunks of a stream that already ended are not taken: the next stream or read starts after what was.
      abort.abort();
      this.streamAbort = undefined;
      await this.flush();
    }
  }

  private bound(): number {
    // Room for a partial line at the cap plus progress, whatever the settings say.
    return Math.max(this.deps.settings.bufferBytes, 2 * this.deps.settings.lineCap + 4096);
  }

  private enqueue(chunk: Buffer): void {
    // The transport may reuse its buffer.
    this.queue.push(Buffer.from(chunk));
    this.queued += chunk.length;
    this.stats.peakHeldBytes = Math.max(this.stats.peakHeldBytes, this.held());
    this.pumping ??= this.pump()
      .catch((error: unknown) => {
        this.pumpError = error;
        this.streamAbort?.abort();
      })
      .finally(() => (this.pumping = undefined));
  }

  /** Stores what is queued, batch after batch, while the stream keeps filling the queue. */
  private async pump(): Promise<void> {
    while (this.queued > 0 && !this.pumpError) {
      this.carry = Buffer.concat([this.carry, ...this.queue]);
      this.queue = [];
      this.queued = 0;
      await this.store(false);
    }
  }

  /** Waits until everything queued is stored (or storing failed: then throws). */
  private async flush(): Promise<void> {
    while (this.pumping) await this.pumping;
    if (this.pumpError) {
      const error = this.pumpError;
      this.pumpError = undefined;
      throw error;
    }
  }

  /** Appends the complete lines in `carry` (all of it when `final`) and advances the stored offset with them. */
  private async store(final: boolean): Promise<void> {
    const split = splitLines(this.carry, this.position, { lineCap: this.deps.settings.lineCap, final });
    if (split.consumed === 0) return;
    const to = { offset: this.position.offset + split.consumed, skipping: split.skipping };
    await this.deps.store.append(this.key, this.source.rank, this.position, to, split.lines);
    this.position = to;
    this.carry = Buffer.from(this.carry.subarray(split.consumed));
  }

  /**
   * The phase is over on the node: read what the stream did not deliver (up to `size`, the file's size when it
   * ended, or to the end of the file when unknown) with bounded pulls, then store the last partial line.
   */
  private async finish(size?: number): Promise<void> {
    const max = this.bound() - this.deps.settings.lineCap;
    while (size === undefined || this.received() < size) {
      this.stats.reads++;
      const chunk = await this.source.read(this.jobId, this.phase, this.received(), max);
      if (chunk.data.length > 0) {
        this.carry = Buffer.concat([this.carry, chunk.data]);
        await this.store(false);
      }
      if (chunk.data.length < max) break;
    }
    await this.store(true);
  }

  /** Another writer moved the offset: continue from what is stored, dropping what is held. */
  private async reload(): Promise<void> {
    this.pumpError = undefined;
    while (this.pumping) await this.pumping.catch(() => undefined);
    this.pumpError = undefined;
    this.queue = [];
    this.queued = 0;
    this.carry = Buffer.alloc(0);
    this.position = (await this.deps.store.positions(this.key)).get(this.source.rank) ?? { offset: 0, skipping: false };
  }

  private async pause(ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
    this.wake = undefined;
  }
}

function backoff(baseMs: number, attempt: number): number {
  return Math.min(baseMs * 2 ** Math.min(attempt, 10), MAX_BACKOFF_MS);
}
