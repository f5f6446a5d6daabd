import { setMaxListeners } from 'node:events';
import { Writable, type Readable } from 'node:stream';
import { Log } from '@kubernetes/client-node';
import type { JobPhase } from '@skyport/contracts';
import type { KubeClients } from '@skyport/kube';
import { START_LINE } from './pod-start';

/** Reconnects 200 ms apart, growing to 2 s: ≈40 s in all before the driver falls back to exec. */
const MAX_RECONNECTS = 25;
const reconnectMs = (n: number): number => Math.min(200 * 1.5 ** n, 2_000);
const LONG_FOLLOW_MS = 60_000;

export interface PhaseState {
  started: boolean;
  /** Exit code, or 'lost' (the process vanished without one). */
  end?: number | 'lost';
}

/** The container log of a pod ended or broke before the job did: the driver re-attaches by exec. */
export class StartWatchLost extends Error {}

/**
 * What the in-pod start (pod-start.ts) of one job says on one node, read from the container's log: one
 * following GET through the Kubernetes API per node for the whole job, instead of an exec to start each phase
 * and one to wait for it every few seconds. The log holds every line since the container started, so nothing
 * said before the watch began is missed.
 */
export class PodStartWatch {
  private readonly phases = new Map<JobPhase, PhaseState>();
  private waiters = new Set<() => void>();
  private broken?: Error;
  private readonly abort = new AbortController();
  private partial = '';
  private reconnects = 0;

  constructor(
    private readonly target: { clients: KubeClients; namespace: string; pod: string; container: string },
    private readonly jobId: number,
  ) {}

  start(): void {
    this.connect();
  }

  /**
   * One following GET of the container log. A read that fails or ends is tried again (from the start of the log:
   * the states are idempotent) for a while — the log may not be readable the instant the pod runs (the local KWOK
   * harness serves it once it made the pod's KWOK objects, seconds later on a loaded machine with 100 new pods);
   * after that the watch fails and the driver re-attaches by exec.
   */
  private connect(): void {
    if (this.abort.signal.aborted) return;
    let over = false;
    const opened = Date.now();
    const ended = (why: string) => {
      if (over) return;
      over = true;
      if (this.abort.signal.aborted) return;
      // A follow that held for a while and then broke (a long job's connection cut) starts a fresh count: the
      // count is for a log that cannot be read, not for the breaks of one followed for hours.
      if (Date.now() - opened >= LONG_FOLLOW_MS) this.reconnects = 0;
      if (this.reconnects < MAX_RECONNECTS) setTimeout(() => this.connect(), reconnectMs(this.reconnects++));
      else this.fail(new StartWatchLost(`the container log of ${this.target.pod} ${why}`));
    };
    this.partial = '';
    const sink = new Writable({
      write: (chunk: Buffer, _enc, cb) => {
        this.onText(chunk.toString('utf8'));
        cb();
      },
    });
    sink.on('pipe', (src: Readable) => {
      src.on('error', (e: Error) => ended(`broke: ${e.message}`));
      src.on('close', () => ended('ended'));
    });
    sink.on('finish', () => ended('ended'));
    new Log(this.target.clients.kc)
      .log(this.target.namespace, this.target.pod, this.target.container, sink, { follow: true })
      .then((controller) => {
        if (this.abort.signal.aborted) controller.abort();
        else this.abort.signal.addEventListener('abort', () => controller.abort(), { once: true });
      })
      .catch((e: unknown) => ended(`could not be read: ${e instanceof Error ? e.message : String(e)}`));
  }

  stop(): void {
    this.abort.abort();
    this.fail(new StartWatchLost('watch stopped'));
  }

  state(phase: JobPhase): PhaseState {
    return this.phases.get(phase) ?? { started: false };
  }

  /** Resolves once `pred` holds; rejects when the log is gone first (StartWatchLost); undefined on `signal`. */
  async until(pred: (w: PodStartWatch) => boolean, signal: AbortSignal): Promise<true | undefined> {
    // Every node's watch waits on the execution's one signal: a 100-node job adds 100 listeners.
    setMaxListeners(0, signal);
    for (;;) {
      if (pred(this)) return true;
      if (this.broken) throw this.broken;
      if (signal.aborted) return undefined;
      await new Promise<void>((resolve) => {
        const wake = () => {
          this.waiters.delete(wake);
          signal.removeEventListener('abort', wake);
          resolve();
        };
        this.waiters.add(wake);
        signal.addEventListener('abort', wake, { once: true });
      });
    }
  }

  private onText(text: string): void {
    const lines = (this.partial + text).split('\n');
    this.partial = lines.pop() ?? '';
    let changed = false;
    for (const line of lines) {
      const m = START_LINE.exec(line.trim());
      if (!m || Number(m[1]) !== this.jobId) continue;
      const phase = m[2] as JobPhase;
      const s = { ...this.state(phase) };
      if (m[3] === 'started') s.started = true;
      else s.end = m[3] === 'lost' ? 'lost' : Number(m[4]);
      if (s.end !== undefined) s.started = true;
      this.phases.set(phase, s);
      changed = true;
    }
    if (changed) this.notify();
  }

  private fail(e: Error): void {
    this.broken ??= e;
    this.abort.abort();
    this.notify();
  }

  private notify(): void {
    for (const w of [...this.waiters]) w();
  }
}
