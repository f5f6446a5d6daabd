import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { StoredJson } from './stored-json';

/**
 * A launch held by its team's quota: admitted in order of priority, then strictly first come first served.
 * `id` is the FIFO order. Owned by the api.
 */
@Entity({ name: 'launch_queue' })
@Index('launch_queue_request', ['requestId'], { unique: true })
@Index('launch_queue_waiting', ['team', 'priority', 'id'], { where: `"state" = 'queued'` })
export class LaunchQueueEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ name: 'request_id', type: 'uuid' })
  requestId!: string;

  @Column({ name: 'cluster_name', type: 'text' })
  clusterName!: string;

  @Column({ type: 'text' })
  team!: string;

  /** Higher runs first. */
  @Column({ type: 'integer', default: 0 })
  priority!: number;

  @Column({ type: 'jsonb' })
  demand!: StoredJson['launch_queue.demand'];

  /** `queued`, `admitted`, `cancelled`. */
  @Column({ type: 'text' })
  state!: string;

  /** Why it waits, for people. */
  @Column({ type: 'text', nullable: true })
  reason!: string | null;

  @CreateDateColumn({ name: 'enqueued_at', type: 'timestamptz' })
  enqueuedAt!: Date;

  @Column({ name: 'admitted_at', type: 'timestamptz', nullable: true })
  admittedAt!: Date | null;
}
