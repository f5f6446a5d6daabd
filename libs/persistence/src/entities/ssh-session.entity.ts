import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * An interactive session (or one-shot command) on a cluster's node through the api. An open session keeps
 * the cluster from being autostopped; a session whose api died stops counting once its heartbeat is stale.
 * Owned by the api.
 */
@Entity({ name: 'ssh_sessions' })
@Index('ssh_sessions_open', ['clusterName'], { where: '"closed_at" IS NULL' })
export class SshSessionEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'cluster_name', type: 'text' })
  clusterName!: string;

  @Column({ name: 'node_rank', type: 'integer', default: 0 })
  nodeRank!: number;

  @Column({ type: 'text', default: 'anonymous' })
  owner!: string;

  /** `shell` or `command`. */
  @Column({ type: 'text' })
  mode!: string;

  @Column({ name: 'opened_at', type: 'timestamptz', default: () => 'now()' })
  openedAt!: Date;

  @Column({ name: 'heartbeat_at', type: 'timestamptz', default: () => 'now()' })
  heartbeatAt!: Date;

  @Column({ name: 'closed_at', type: 'timestamptz', nullable: true })
  closedAt!: Date | null;
}
