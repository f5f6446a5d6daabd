import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * How far one node's output file of a log stream has been stored: the byte offset just past the last stored
 * line, committed in the same transaction as those lines, so a restart resumes exactly there. Owned by logs.
 */
@Entity({ name: 'log_offsets' })
export class LogOffsetEntity {
  @PrimaryColumn({ name: 'cluster_name', type: 'text' })
  clusterName!: string;

  @PrimaryColumn({ name: 'job_id', type: 'integer' })
  jobId!: number;

  @PrimaryColumn({ type: 'text' })
  stream!: string;

  @PrimaryColumn({ name: 'node_rank', type: 'integer' })
  nodeRank!: number;

  @Column({ type: 'bigint', default: 0 })
  offset!: string;

  /** Inside an over-long line that was stored cut at the cap: skip bytes up to its newline. */
  @Column({ type: 'boolean', default: false })
  skipping!: boolean;
}
