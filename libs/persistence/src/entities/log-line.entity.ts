import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One stored output line of a job's log stream, in order (`seq` counts from 1 per stream). Owned by logs. */
@Entity({ name: 'log_lines' })
export class LogLineEntity {
  @PrimaryColumn({ name: 'cluster_name', type: 'text' })
  clusterName!: string;

  @PrimaryColumn({ name: 'job_id', type: 'integer' })
  jobId!: number;

  @PrimaryColumn({ type: 'text' })
  stream!: string;

  @PrimaryColumn({ type: 'bigint' })
  seq!: string;

  @Column({ name: 'node_rank', type: 'integer' })
  nodeRank!: number;

  @Column({ type: 'text' })
  text!: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  at!: Date;
}
