import { Client } from 'pg';
import type { Logger } from '../logging/logger';

/** Receives one notification: its payload (if any) and the channel it came on. */
export type NotificationHandler = (payload: string | undefined, channel: string) => void;

export interface PgListenerOptions {
  /** Postgres connection string; the listener holds one session of its own for every channel. */
  databaseUrl: string;
  /** Shows in pg_stat_activity, so an operator can tell whose session it is. */
  applicationName: string;
  logger: Logger;
  /** First reconnect delay after a lost connection, doubled after each failed attempt up to `maxBackoffMs`. */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
}

/**
 * The one LISTEN/NOTIFY client of a process. Every user subscribes to its channels on the same session; after a
 * lost connection the listener reconnects with backoff and LISTENs on every channel again. Notifications sent
 * while it was disconnected are gone (Postgres does not queue them for a session that left), so it tells its
 * users through `onGap` once it is back: each one then re-reads what it may have missed. Users keep their own
 * periodic poll as the fallback for the time it is down.
 *
 * It connects on the first subscription, so a process that never listens never opens the session.
 */
export class PgListener {
  private client?: Client;
  /** The session being opened by the attempt under way. */
  private pending?: Client;
  /** Channels LISTENed on the current session. */
  private listening = new Set<string>();
  private readonly handlers = new Map<string, Set<NotificationHandler>>();
  private readonly gapHandlers = new Set<() => void>();
  /** The connection attempt under way, if any; resolves true when the session listens. */
  private attempt?: Promise<boolean>;
  /** LISTEN/UNLISTEN statements run one after another on the session. */
  private statements: Promise<unknown> = Promise.resolve();
  private retryTimer?: NodeJS.Timeout;
  private failures = 0;
  /** True once a session was lost or an attempt failed: the next session that comes up reports a gap. */
  private missedSome = false;
  private closed = false;

  constructor(private readonly options: PgListenerOptions) {}

  /** Whether a session is up now (notifications arrive). */
  get connected(): boolean {
    return this.client !== undefined;
  }

  /** Calls `handler` for every notification on `channel` until the returned function is called. */
  listen(channel: string, handler: NotificationHandler): () => void {
    if (this.closed) return () => undefined;
    let set = this.handlers.get(channel);
    if (!set) {
      set = new Set();
      this.handlers.set(channel, set);
    }
    set.add(handler);
    if (this.client) void this.syncChannels(this.client);
    else if (!this.attempt && !this.retryTimer) void this.connect();
    return () => {
      const current = this.handlers.get(channel);
      if (!current?.delete(handler) || current.size) return;
      this.handlers.delete(channel);
      if (this.client) void this.syncChannels(this.client);
    };
  }

  /**
   * Calls `handler` each time the listener is back after a time without a session (a lost connection, or a first
   * connection that only came after failed attempts): notifications of that time may be missed, so re-poll.
   */
  onGap(handler: () => void): () => void {
    this.gapHandlers.add(handler);
    return () => void this.gapHandlers.delete(handler);
  }

  /**
   * Resolves true once the session listens on every subscribed channel, false if the attempt under way failed
   * (the caller falls back to its poll; the listener keeps retrying in the background).
   */
  async ready(): Promise<boolean> {
    if (this.closed) return false;
    const client = this.client;
    if (client) {
      await this.syncChannels(client);
      return this.client === client;
    }
    return (await this.attempt) ?? false;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.handlers.clear();
    this.gapHandlers.clear();
    await this.attempt;
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  /** Nest calls this on shutdown when the listener is a provider (ServiceKitModule). */
  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }

  private connect(): Promise<boolean> {
    this.attempt = this.open().finally(() => (this.attempt = undefined));
    return this.attempt;
  }

  private async open(): Promise<boolean> {
    const client = new Client({ connectionString: this.options.databaseUrl, application_name: this.options.applicationName });
    client.on('notification', (msg) => this.deliver(msg.channel, msg.payload));
    // 'error' and 'end' both may come for one lost session; lost() acts once per session.
    client.on('error', (error) => this.lost(client, error.message));
    client.on('end', () => this.lost(client, 'connection ended'));
    this.pending = client;
    try {
      await client.connect();
      if (this.closed) {
        this.pending = undefined;
        await client.end().catch(() => undefined);
        return false;
      }
      if (this.pending !== client) return false; // lost while connecting; lost() scheduled the retry
      this.pending = undefined;
      this.client = client;
      this.listening = new Set();
      await this.syncChannels(client);
      if (this.client !== client) return false;
    } catch (error) {
      this.lost(client, error instanceof Error ? error.message : String(error));
      return false;
    }
    this.failures = 0;
    if (this.missedSome) {
      this.missedSome = false;
      this.options.logger.info({ channels: [...this.listening] }, 'postgres listener is back; its users re-read what they may have missed');
      for (const handler of [...this.gapHandlers]) this.guard(() => handler(), 'gap handler failed');
    }
    return true;
  }

  /** Brings the session's LISTENs in line with the subscribed channels. */
  private syncChannels(client: Client): Promise<unknown> {
    this.statements = this.statements
      .catch(() => undefined)
      .then(async () => {
        for (const channel of this.handlers.keys()) {
          if (this.listening.has(channel) || this.client !== client) continue;
          await client.query(`LISTEN ${client.escapeIdentifier(channel)}`);
          this.listening.add(channel);
        }
        for (const channel of [...this.listening]) {
          if (this.handlers.has(channel) || this.client !== client) continue;
          await client.query(`UNLISTEN ${client.escapeIdentifier(channel)}`);
          this.listening.delete(channel);
        }
      });
    // A failed statement means a broken session: its 'error' event (or the next attempt) takes it from here.
    return this.statements.catch((error: unknown) => this.lost(client, error instanceof Error ? error.message : String(error)));
  }

  private lost(client: Client, reason: string): void {
    if (this.closed) return;
    if (this.client === client) this.client = undefined;
    else if (this.pending === client) this.pending = undefined;
    else return; // a session already given up (its 'error' and 'end' both come)
    this.missedSome = true;
    void client.end().catch(() => undefined);
    if (this.retryTimer) return;
    const initial = this.options.initialBackoffMs ?? 250;
    const delay = Math.min(this.options.maxBackoffMs ?? 30_000, initial * 2 ** this.failures);
    this.failures += 1;
    this.options.logger.warn({ err: reason, retryInMs: delay, channels: [...this.handlers.keys()] }, 'postgres listener has no connection; its users poll until it is back');
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (!this.closed) void this.connect();
    }, delay);
    this.retryTimer.unref();
  }

  private deliver(channel: string, payload: string | undefined): void {
    for (const handler of [...(this.handlers.get(channel) ?? [])]) this.guard(() => handler(payload, channel), 'notification handler failed');
  }

  private guard(fn: () => void, what: string): void {
    try {
      fn();
    } catch (error) {
      this.options.logger.warn({ err: error instanceof Error ? error.message : String(error) }, what);
    }
  }
}
