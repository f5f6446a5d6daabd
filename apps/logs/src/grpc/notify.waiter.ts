import { Client } from 'pg';
import { EVENTS_CHANNEL, LOGS_CHANNEL } from '@skyport/contracts';
import type { Logger } from '@skyport/service-kit';

/**
 * One LISTEN connection shared by every following Tail call: a call waits until new lines of its job (or new
 * events of its request) are committed, or a timeout passes, instead of polling the database.
 */
export class NotifyWaiter {
  private client?: Promise<Client>;
  private readonly waiting = new Map<string, Set<() => void>>();

  constructor(
    private readonly databaseUrl: string,
    private readonly logger: Logger,
  ) {}

  async waitFor(key: string, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    await this.connect().catch(() => undefined);
    await new Promise<void>((resolve) => {
      const set = this.waiting.get(key) ?? new Set();
      this.waiting.set(key, set);
      const done = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        set.delete(done);
        if (set.size === 0) this.waiting.delete(key);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      signal?.addEventListener('abort', done);
      set.add(done);
    });
  }

  private connect(): Promise<Client> {
    if (!this.client) {
      this.client = (async () => {
        const client = new Client({ connectionString: this.databaseUrl, application_name: 'skyport-logs-listen' });
        client.on('notification', (msg) => this.wake(msg.channel, msg.payload));
        client.on('error', (error) => {
          this.logger.warn({ err: error.message }, 'log listener lost its connection');
          this.client = undefined;
        });
        await client.connect();
        await client.query(`LISTEN ${LOGS_CHANNEL}`);
        await client.query(`LISTEN ${EVENTS_CHANNEL}`);
        return client;
      })();
      this.client.catch(() => (this.client = undefined));
    }
    return this.client;
  }

  private wake(channel: string, payload: string | undefined): void {
    if (!payload) return;
    let key: string | null | undefined = payload;
    if (channel === EVENTS_CHANNEL) {
      try {
        key = (JSON.parse(payload) as { requestId?: string | null }).requestId;
      } catch {
        return;
      }
    }
    if (!key) return;
    for (const done of [...(this.waiting.get(key) ?? [])]) done();
  }

  async close(): Promise<void> {
    for (const set of this.waiting.values()) for (const done of [...set]) done();
    const client = await this.client?.catch(() => undefined);
    await client?.end().catch(() => undefined);
  }
}
