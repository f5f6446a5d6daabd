import type { PgListener } from './pg-listener';

/** The keys one notification on a channel wakes (its payload read the channel's way); none for a payload it cannot read. */
export type NotificationKeys = (payload: string | undefined) => ReadonlyArray<string | null | undefined> | string | null | undefined;

/** Interest in one key, registered before the caller reads: a notification after `arm` is never missed. */
export interface WaitTicket {
  /** Resolves at once when a notification came since `arm`, else at the next one, the timeout or the abort. */
  wait(timeoutMs: number, signal?: AbortSignal): Promise<void>;
  /** No longer interested (the caller read on without waiting). */
  cancel(): void;
}

/** How long a wait lasts at most once the waiter is closed: loops still running idle until their own stop. */
const CLOSED_IDLE_MS = 200;

/**
 * Callers park here, on the process's one LISTEN session (PgListener), until a notification for their key is
 * committed, a timeout passes or their signal aborts, instead of polling the database. Each channel says which
 * keys its payload wakes. When the listener is back after a lost connection every caller wakes and re-reads,
 * since what was sent meanwhile reached nobody. It subscribes on the first wait; `close()` unsubscribes and
 * wakes everyone, and later waits open no connection.
 */
export class KeyedWaiter {
  private readonly waiting = new Map<string, Set<() => void>>();
  private subscription?: Array<() => void>;
  private closed = false;

  constructor(
    private readonly listener: PgListener,
    private readonly channels: Readonly<Record<string, NotificationKeys>>,
  ) {}

  /**
   * Resolves when a notification wakes `key`, after `timeoutMs`, or when `signal` aborts: a background loop that
   * stops before this waiter closes cuts its own wait short rather than sleeping out the timeout.
   */
  async waitFor(key: string, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return;
    await (await this.arm(key)).wait(timeoutMs, signal);
  }

  /**
   * Registers interest in `key` now. A caller that reads and then waits arms first: rows committed between its
   * read and its wait would otherwise notify nobody, and it would sleep the whole timeout with rows to send.
   */
  async arm(key: string): Promise<WaitTicket> {
    if (this.closed) return closedTicket;
    this.subscription ??= [
      ...Object.entries(this.channels).map(([channel, keys]) => this.listener.listen(channel, (payload) => this.wake(keys(payload)))),
      this.listener.onGap(() => this.wakeAll()),
    ];
    await this.listener.ready();
    if (this.closed) return closedTicket;
    const set = this.waiting.get(key) ?? new Set<() => void>();
    this.waiting.set(key, set);
    let fired = false;
    let wakeUp: (() => void) | undefined;
    const hit = (): void => {
      fired = true;
      wakeUp?.();
    };
    const cancel = (): void => {
      set.delete(hit);
      if (set.size === 0 && this.waiting.get(key) === set) this.waiting.delete(key);
    };
    set.add(hit);
    return {
      cancel,
      wait: (timeoutMs, signal) => {
        if (fired || signal?.aborted) {
          cancel();
          return Promise.resolve();
        }
        return pause(timeoutMs, signal, { onWake: (done) => (wakeUp = done) }).finally(cancel);
      },
    };
  }

  private wake(keys: ReturnType<NotificationKeys>): void {
    for (const key of typeof keys === 'string' ? [keys] : (keys ?? [])) {
      if (!key) continue;
      for (const hit of [...(this.waiting.get(key) ?? [])]) hit();
    }
  }

  private wakeAll(): void {
    for (const set of this.waiting.values()) for (const hit of [...set]) hit();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const stop of this.subscription ?? []) stop();
    this.wakeAll();
  }
}

/** What a closed waiter hands out: no connection, just a short idle (cut short by the signal). */
const closedTicket: WaitTicket = {
  cancel: () => undefined,
  wait: (timeoutMs, signal) => pause(Math.min(timeoutMs, CLOSED_IDLE_MS), signal, { unref: true }),
};

/** Resolves after `ms`, when `signal` aborts, or when the function handed to `onWake` is called, whichever is first. */
function pause(ms: number, signal: AbortSignal | undefined, options: { unref?: boolean; onWake?: (done: () => void) => void }): Promise<void> {
  return new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    if (options.unref) timer.unref();
    signal?.addEventListener('abort', done, { once: true });
    options.onWake?.(done);
  });
}
