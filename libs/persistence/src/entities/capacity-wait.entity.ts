import { Column, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/**
 * A launch waiting for Kubernetes capacity (`--no-burst`, pinned infra, or nothing feasible now without fail-fast).
 * Waits are served strictly in order of priority, then arrival (the request's creation, so a launch that waited
 * for quota first keeps its place); a later launch may not take a context an earlier waiter holds. Owned by the
 * optimizer; the row is removed once the launch leaves the wait.
 */
@Entity({ name: 'capacity_waits' })
@Index('capacity_waits_order', ['priority', 'arrivedAt'])
export class CapacityWaitEntity {
  @PrimaryColumn({ name: 'request_id', type: 'uuid', primaryKeyConstraintName: 'PK_capacity_waits' })
  requestId!: string;

  @Column({ name: 'cluster_name', type: 'text' })
  clusterName!: string;

  @Column({ type: 'text', nullable: true })
  team!: string | null;

  /** Higher goes first. */
  @Column({ type: 'integer', default: 0 })
  priority!: number;

  /** The request's creation time: the FIFO order within a priority. */
  @Column({ name: 'arrived_at', type: 'timestamptz' })
  arrivedAt!: Date;

  /** The Kubernetes contexts it could run on once capacity frees: later launches may not take them first. */
  @Column({ type: 'jsonb' })
  contexts!: string[];

  /** Why it waits, for people. */
  @Column({ type: 'text' })
  reason!: string;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
