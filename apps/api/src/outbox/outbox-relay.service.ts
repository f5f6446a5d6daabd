import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { OUTBOX_CHANNEL, QueueName } from '@skyport/contracts';
import { OutboxEntity } from '@skyport/persistence';
import { JobQueue, PgListener, SERVICE_CONFIG, SERVICE_LOGGER, type Logger } from '@skyport/service-kit';
import type { ApiConfig } from '../config';
import { OUTBOX_BATCH, OUTBOX_POLL_MS } from './outbox.constants';

/**
 * Moves committed outbox rows into BullMQ. Rows are claimed with SKIP LOCKED (several api replicas share the
 * work), published with their de-duplication id, and marked published in the same transaction: a crash after
 * publishing and before the mark re-publishes the same job id, which BullMQ ignores. So every row is published,
 * and each job enters its queue once.
 */
@Injectable()
export class OutboxRelayService implements OnApplicationBootstrap, OnApplicationShutdown {
  private unsubscribe: Array<() => void> = [];
  private timer?: NodeJS.Timeout;
  private running = false;
  private again = false;
  private stopped = false;

  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(JobQueue) private readonly queue: JobQueue,
    @Inject(SERVICE_CONFIG) private readonly config: ApiConfig,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
    @Inject(PgListener) private readonly listener: PgListener,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.SKYPORT_OUTBOX_RELAY === 'off') return;
    // A notification starts a pass at once; while the listener is down the poll below publishes, and when it is
    // back (onGap) a pass picks up what was committed meanwhile.
    this.unsubscribe = [this.listener.listen(OUTBOX_CHANNEL, () => this.kick()), this.listener.onGap(() => this.kick())];
    await this.listener.ready();
    this.timer = setInterval(() => this.kick(), OUTBOX_POLL_MS);
    this.kick();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    while (this.running) await new Promise((r) => setTimeout(r, 20));
    for (const stop of this.unsubscribe) stop();
  }

  /** Runs a relay pass now, or right after the current one. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    void this.drain()
      .catch((error: unknown) => this.logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'outbox relay pass failed; will retry'))
      .finally(() => {
        this.running = false;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  /** Publishes batches until none is left. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const published = await this.publishBatch();
      total += published;
      if (published < OUTBOX_BATCH) return total;
    }
  }

  private async publishBatch(): Promise<number> {
    return this.db.transaction(async (tx) => {
      const rows: OutboxEntity[] = await tx
        .createQueryBuilder(OutboxEntity, 'o')
        .where('o.published_at IS NULL')
        .orderBy('o.id', 'ASC')
        .limit(OUTBOX_BATCH)
        .setLock('pessimistic_write')
        .setOnLocked('skip_locked')
        .getMany();
      // One Redis round trip per queue in the batch rather than one per row.
      const byQueue = new Map<QueueName, OutboxEntity[]>();
      for (const row of rows) {
        const list = byQueue.get(row.queue) ?? [];
        list.push(row);
        byQueue.set(row.queue, list);
      }
      for (const [queue, queued] of byQueue) {
        await this.queue.enqueueMany(
          queue,
          queued.map((row) => ({ payload: row.payload, options: { jobId: row.jobId, delayMs: row.delayMs || undefined, trace: row.traceContext ?? {} } })),
        );
      }
      if (rows.length) {
        await tx.query('UPDATE outbox SET published_at = now() WHERE id = ANY($1::bigint[])', [rows.map((r) => r.id)]);
      }
      return rows.length;
    });
  }
}
