import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/**
 * One log stream of a job (`job`, `setup`): the next sequence number to hand out and whether every node's
 * output has been stored (the job ended and its files were drained). Owned by the logs service.
 */
@Entity({ name: 'log_streams' })
export class LogStreamEntity {
  @PrimaryColumn({ name: 'cluster_name', type: 'text' })
  clusterName!: string;

  @PrimaryColumn({ name: 'job_id', type: 'integer' })
  jobId!: number;

  @PrimaryColumn({ type: 'text' })
  stream!: string;

  @Column({ name: 'next_seq', type: 'bigint', default: 1 })
  nextSeq!: string;

  @Column({ type: 'boolean', default: false })
  done!: boolean;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
