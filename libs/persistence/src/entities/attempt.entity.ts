import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** One try at placing a cluster on one candidate, with its outcome. Owned by the provisioner. */
@Entity({ name: 'attempts' })
@Index('attempts_request', ['requestId'])
export class AttemptEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ name: 'request_id', type: 'uuid' })
  requestId!: string;

  @Column({ name: 'cluster_name', type: 'text' })
  clusterName!: string;

  @Column({ name: 'candidate_id', type: 'text' })
  candidateId!: string;

  /** `running`, `succeeded`, `failed`. */
  @Column({ type: 'text' })
  outcome!: string;

  @Column({ type: 'text', nullable: true })
  reason!: string | null;

  @CreateDateColumn({ name: 'started_at', type: 'timestamptz' })
  startedAt!: Date;

  @Column({ name: 'ended_at', type: 'timestamptz', nullable: true })
  endedAt!: Date | null;
}
