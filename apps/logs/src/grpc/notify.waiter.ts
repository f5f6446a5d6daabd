import { EVENTS_CHANNEL, LOGS_CHANNEL, parseEventNotification } from '@skyport/contracts';
import type { PgListener } from '@skyport/service-kit';

/** Interest in one key, registered before the caller reads: a notification after `arm` is never missed. */
export interface NotifyTicket {
  /** Resolves at once when a notification came since `arm`, else at the next one, the timeout or the abort. */
  wait(timeoutMs: number, signal?: AbortSignal): Promise<void>;
  /** No longer interested (the caller read on without waiting). */
  cancel(): void;
}

/**
 * Every following Tail call waits here, on the process's one LISTEN session (PgListener): a call waits until new
 * lines of its job (or new events of its request) are committed, or a timeout passes, instead of polling the
 * database. When the listener is back after a lost connection every call wakes and re-reads.
 */
export class NotifyWaiter {
  private readonly waiting = new Map<string, Set<() => void>>();
  private subscription?: Array<() => void>;
  private closed = false;

  constructor(private readonly listener: PgListener) {}

  async waitFor(key: string, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    await (await this.arm(key)).wait(timeoutMs, signal);
  }

  /**
   * Registers interest in `key` now. A caller that reads and then waits arms first: lines committed between its
   * read and its wait would otherwise notify nobody, and it would sleep the whole timeout with lines to send.
   */
  async arm(key: string): Promise<NotifyTicket> {
    if (!this.closed) this.subscription ??= [
      this.listener.listen(LOGS_CHANNEL, (payload, channel) => this.wake(channel, payload)),
      this.listener.listen(EVENTS_CHANNEL, (payload, channel) => this.wake(channel, payload)),
      this.listener.onGap(() => this.wakeAll()),
    ];
    if (!this.closed) await this.listener.ready();
    const set = this.waiting.get(key) ?? new Set<() => void>();
    this.waiting.set(key, set);
    let fired = this.closed;
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
      wait: (timeoutMs, signal) =>
        new Promise<void>((resolve) => {
          if (fired || signal?.aborted) {
            cancel();
            return resolve();
          }
          const done = (): void => {
            clearTimeout(timer);
            signal?.removeEventListener('abort', done);
            cancel();
            resolve();
          };
          const timer = setTimeout(done, timeoutMs);
          signal?.addEventListener('abort', done);
          wakeUp = done;
        }),
    };
  }

  private wake(channel: string, payload: string | undefined): void {
    // LOGS_CHANNEL's payload is the key a follow of the job's lines waits on (logsNotification); an event's is its request.
    const key = channel === EVENTS_CHANNEL ? parseEventNotification(payload)?.requestId : payload;
    if (!key) return;
    for (const done of [...(this.waiting.get(key) ?? [])]) done();
  }

  private wakeAll(): void {
    for (const set of this.waiting.values()) for (const done of [...set]) done();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const stop of this.subscription ?? []) stop();
    this.wakeAll();
  }
}
