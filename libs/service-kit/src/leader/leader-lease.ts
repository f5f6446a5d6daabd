import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import { Client } from 'pg';
import type { Logger } from '../logging/logger';

export interface LeaderLeaseOptions {
  /** Postgres connection string; the lease is a session advisory lock on a connection of its own. */
  databaseUrl: string;
  /** What is led, e.g. `autodown.reconciler`; every replica of every service asking for it competes. */
  name: string;
  logger: Logger;
  /** How often a follower tries to take the lease and a leader checks that its session is alive. */
  checkIntervalMs?: number;
  /** Called when this process becomes the leader / stops being it (session lost or shutdown). */
  onChange?: (leader: boolean) => void;
}

/** The advisory lock key for a name: the first 8 bytes of its sha256, as a signed 64-bit integer (text for pg). */
export function leaseKey(name: string): string {
  return createHash('sha256').update(`skyport-lease:${name}`).digest().readBigInt64BE(0).toString();
}

/** `skyport-lease:<name>@<host>`, as the holder's session shows in pg_stat_activity. */
export function leaseApplicationName(name: string, host = hostname()): string {
  return `skyport-lease:${name}@${host}`.slice(0, 63);
}

/**
 * One leader among replicas, backed by a Postgres session advisory lock: the holder is whoever's session took
 * `pg_try_advisory_lock`, and the lock goes away with the session (a crashed or partitioned leader's connection
 * is closed by Postgres), so a rolling update or two replicas never run a singleton twice. Postgres is already
 * the system of record, so this needs no other coordination service and no Kubernetes permissions.
 */
export class LeaderLease {
  private client?: Client;
  private timer?: NodeJS.Timeout;
  private leader = false;
  private stopped = false;
  private checking = false;

  constructor(private readonly options: LeaderLeaseOptions) {}

  get isLeader(): boolean {
    return this.leader;
  }

  start(): void {
    this.stopped = false;
    void this.check();
    this.timer = setInterval(() => void this.check(), this.options.checkIntervalMs ?? 5_000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    // Closing the session releases the lock at once, so a successor need not wait for a timeout.
    await this.drop();
  }

  private async check(): Promise<void> {
    if (this.checking || this.stopped) return;
    this.checking = true;
    try {
      const client = this.client ?? (await this.connect());
      const key = leaseKey(this.options.name);
      if (this.leader) {
        await client.query('SELECT 1');
      } else {
        const { rows } = await client.query<{ taken: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS taken', [key]);
        if (rows[0]?.taken) this.setLeader(true);
      }
    } catch (err) {
      this.options.logger.warn({ lease: this.options.name, err: err instanceof Error ? err.message : String(err) }, 'lease session lost; will try again');
      await this.drop();
    } finally {
      this.checking = false;
    }
  }

  private async connect(): Promise<Client> {
    // The holder is visible to an operator: pg_stat_activity's application_name names the lease and the host (the
    // pod name under Kubernetes) whose session holds it (Postgres keeps 63 bytes).
    const client = new Client({ connectionString: this.options.databaseUrl, application_name: leaseApplicationName(this.options.name) });
    // A dead session must not crash the process; the next check notices and reconnects.
    client.on('error', () => void this.drop());
    await client.connect();
    this.client = client;
    return client;
  }

  private async drop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.setLeader(false);
    await client?.end().catch(() => undefined);
  }

  private setLeader(leader: boolean): void {
    if (this.leader === leader) return;
    this.leader = leader;
    this.options.logger.info({ lease: this.options.name, leader }, leader ? 'became the leader' : 'no longer the leader');
    this.options.onChange?.(leader);
  }
}
