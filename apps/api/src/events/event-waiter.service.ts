import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { EVENTS_CHANNEL, parseEventNotification } from '@skyport/contracts';
import { PgListener } from '@skyport/service-kit';

/** Wait key woken by every event (the global event stream, the webhook dispatcher). */
export const ANY_EVENT = '*';

/**
 * Every open event stream waits here, on the process's one LISTEN session (PgListener): a stream waits until an
 * event for its request (or cluster) is committed, or a timeout passes, instead of polling the database. When
 * the listener is back after a lost connection every waiter wakes and re-reads, since events of that time
 * sent no notification it saw.
 */
@Injectable()
export class EventWaiter implements OnApplicationShutdown {
  private readonly waiting = new Map<string, Set<() => void>>();
  private subscription?: Array<() => void>;
  private closed = false;

  constructor(@Inject(PgListener) private readonly listener: PgListener) {}

  /**
   * Resolves when an event with this request id or cluster name is committed, after `timeoutMs`, or when `stop` is
   * aborted: a background loop stops before this waiter does (Nest stops a module before the modules it imports), so
   * it cuts its own wait short rather than sleeping out the timeout.
   */
  async waitFor(key: string, timeoutMs: number, stop?: AbortSignal): Promise<void> {
    if (stop?.aborted) return;
    if (this.closed) {
      // Shutting down: no new connection; background loops just idle until their own stop.
      await new Promise<void>((resolve) => setTimeout(resolve, Math.min(timeoutMs, 200)).unref());
      return;
    }
    this.subscription ??= [this.listener.listen(EVENTS_CHANNEL, (payload) => this.wake(payload)), this.listener.onGap(() => this.wakeAll())];
    await this.listener.ready();
    if (stop?.aborted) return;
    await new Promise<void>((resolve) => {
      const set = this.waiting.get(key) ?? new Set();
      this.waiting.set(key, set);
      const done = (): void => {
        clearTimeout(timer);
        stop?.removeEventListener('abort', done);
        set.delete(done);
        if (set.size === 0) this.waiting.delete(key);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      stop?.addEventListener('abort', done, { once: true });
      set.add(done);
    });
  }

  private wake(payload: string | undefined): void {
    const event = parseEventNotification(payload);
    if (!event) return;
    for (const key of [event.requestId, event.clusterName, ANY_EVENT]) {
      if (!key) continue;
      for (const done of [...(this.waiting.get(key) ?? [])]) done();
    }
  }

  private wakeAll(): void {
    for (const set of this.waiting.values()) for (const done of [...set]) done();
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    for (const stop of this.subscription ?? []) stop();
    this.wakeAll();
  }
}
