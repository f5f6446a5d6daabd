import type { Logger } from '../logging/logger';
import { runPeriodically, type Periodic } from '../timing/periodic';
import { LeaderLease } from './leader-lease';

export interface LeaderPassOptions {
  databaseUrl: string;
  /** The lease's name (`<service>.<what>`); every replica competes for it. */
  name: string;
  logger: Logger;
  /** How often the pass runs (read before each wait, so a test may shorten it). */
  intervalMs: () => number;
  /** The pass itself; it runs on the lease holder only, never overlapping itself. */
  pass: () => Promise<unknown>;
  /** How often a follower tries to take the lease (LeaderLease's default when unset). */
  checkIntervalMs?: number;
}

/**
 * A periodic pass that one replica at a time runs: a LeaderLease plus runPeriodically, the wiring every
 * "singleton sweep" of a service needs (cluster health, cloud health). A failed pass is logged and tried again
 * at the next interval.
 */
export class LeaderPass {
  readonly lease: LeaderLease;
  private periodic?: Periodic;
  private running?: Promise<unknown>;

  constructor(private readonly options: LeaderPassOptions) {
    this.lease = new LeaderLease({ databaseUrl: options.databaseUrl, name: options.name, logger: options.logger, checkIntervalMs: options.checkIntervalMs });
  }

  /**
   * Takes part in the lease and starts the passes. With `firstPassWithinMs`, waits (at most that long) for a first
   * pass when this replica gets the lease at once — a restarted service then acts on what it finds before it
   * serves; a follower returns after that wait without a pass.
   */
  async start(opts: { firstPassWithinMs?: number } = {}): Promise<void> {
    this.lease.start();
    if (opts.firstPassWithinMs) {
      const first = (async () => {
        for (let i = 0; i < 20 && !this.lease.isLeader; i++) await new Promise((r) => setTimeout(r, 100));
        if (this.lease.isLeader) await this.options.pass().catch((e: unknown) => this.warn(e, 'first pass failed'));
      })();
      await Promise.race([first, new Promise((r) => setTimeout(r, opts.firstPassWithinMs).unref())]);
    }
    this.periodic = runPeriodically(
      async () => {
        if (!this.lease.isLeader) return;
        this.running = this.options.pass();
        await this.running;
      },
      this.options.intervalMs,
      (e) => this.warn(e, 'pass failed'),
    );
  }

  /** Stops the passes, waits for one under way (it may still write), then gives the lease up. */
  async stop(): Promise<void> {
    this.periodic?.stop();
    await this.running?.catch(() => undefined);
    await this.lease.stop();
  }

  private warn(e: unknown, what: string): void {
    this.options.logger.warn({ lease: this.options.name, err: e instanceof Error ? e.message : String(e) }, `${this.options.name}: ${what}`);
  }
}
