import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { QueueName } from '@skyport/contracts';
import type { StoredJson } from './stored-json';

/**
 * Jobs to publish to BullMQ, written in the same transaction as the state they belong to. The relay publishes
 * them with their de-duplication id, so a crash between commit and publish loses nothing and doubles nothing.
 */
@Entity({ name: 'outbox' })
@Index('outbox_unpublished', ['id'], { where: '"published_at" IS NULL' })
export class OutboxEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ type: 'text' })
  queue!: QueueName;

  @Column({ name: 'job_id', type: 'text' })
  jobId!: string;

  /** The job's payload: the one `QueuePayloadMap` binds to `queue`. */
  @Column({ type: 'jsonb' })
  payload!: StoredJson['outbox.payload'];

  /** `traceparent`/`tracestate` of the writer's trace; null when tracing is off. */
  @Column({ name: 'trace_context', type: 'jsonb', nullable: true })
  traceContext!: { traceparent?: string; tracestate?: string } | null;

  @Column({ name: 'delay_ms', type: 'integer', default: 0 })
  delayMs!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'published_at', type: 'timestamptz', nullable: true })
  publishedAt!: Date | null;
}
