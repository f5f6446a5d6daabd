import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { StoredJson } from './stored-json';

/** The timeline users see: one row per state change, appended by whichever service made the change. */
@Entity({ name: 'events' })
@Index('events_request', ['requestId', 'id'])
@Index('events_cluster', ['clusterName', 'id'])
export class EventEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ name: 'request_id', type: 'uuid', nullable: true })
  requestId!: string | null;

  @Column({ name: 'cluster_name', type: 'text', nullable: true })
  clusterName!: string | null;

  @Column({ name: 'job_id', type: 'integer', nullable: true })
  jobId!: number | null;

  /** Dotted type, e.g. `request.accepted`, `plan.created`, `cluster.provisioning`, `job.running`. */
  @Column({ type: 'text' })
  type!: string;

  @Column({ type: 'text' })
  message!: string;

  /** Which service wrote it. */
  @Column({ type: 'text' })
  source!: string;

  @Column({ type: 'jsonb', nullable: true })
  data!: StoredJson['events.data'] | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
