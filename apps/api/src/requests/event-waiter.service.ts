import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Client } from 'pg';
import { EVENTS_CHANNEL } from '@skyport/contracts';
import { SERVICE_CONFIG, SERVICE_LOGGER, type Logger } from '@skyport/service-kit';
import type { ApiConfig } from '../config';

/** Wait key woken by every event (the global event stream, the webhook dispatcher). */
export const ANY_EVENT = '*';

/**
 * One LISTEN connection shared by every open event stream: a stream waits until an event for its request (or
 * cluster) is committed, or a timeout passes, instead of polling the database.
 */
@Injectable()
export class EventWaiter implements OnApplicationShutdown {
  private client?: Promise<Client>;
  private readonly waiting = new Map<string, Set<() => void>>();
  private closed = false;

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: ApiConfig,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {}

  /** Resolves when an event with this request id or cluster name is committed, or after `timeoutMs`. */
  async waitFor(key: string, timeoutMs: number): Promise<void> {
    if (this.closed) {
      // Shutting down: no new connection; background loops just idle until their own stop.
      await new Promise<void>((resolve) => setTimeout(resolve, Math.min(timeoutMs, 200)).unref());
      return;
    }
    await this.connect().catch(() => undefined);
    await new Promise<void>((resolve) => {
      const set = this.waiting.get(key) ?? new Set();
      this.waiting.set(key, set);
      const done = (): void => {
        clearTimeout(timer);
        set.delete(done);
        if (set.size === 0) this.waiting.delete(key);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      set.add(done);
    });
  }

  private connect(): Promise<Client> {
    if (!this.client) {
      this.client = (async () => {
        const client = new Client({ connectionString: this.config.SKYPORT_DATABASE_URL, application_name: 'skyport-api-events' });
        client.on('notification', (msg) => this.wake(msg.payload));
        client.on('error', (error) => {
          this.logger.warn({ err: error.message }, 'event listener lost its connection');
          this.client = undefined;
        });
        await client.connect();
        await client.query(`LISTEN ${EVENTS_CHANNEL}`);
        return client;
      })();
      this.client.catch(() => (this.client = undefined));
    }
    return this.client;
  }

  private wake(payload: string | undefined): void {
    if (!payload) return;
    let parsed: { requestId?: string | null; clusterName?: string | null };
    try {
      parsed = JSON.parse(payload) as typeof parsed;
    } catch {
      return;
    }
    for (const key of [parsed.requestId, parsed.clusterName, ANY_EVENT]) {
      if (!key) continue;
      for (const done of [...(this.waiting.get(key) ?? [])]) done();
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    for (const set of this.waiting.values()) for (const done of [...set]) done();
    const client = await this.client?.catch(() => undefined);
    await client?.end().catch(() => undefined);
  }
}
