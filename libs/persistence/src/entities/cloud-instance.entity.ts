import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A cloud VM that is (or was) one node of a burst cluster. Owned by the provisioner. The cloud's own tag
 * (`skyport-cluster`) stays the source of truth for teardown; this row is what exec, status and SSH use.
 */
@Entity({ name: 'cloud_instances' })
@Index('cloud_instances_cluster', ['clusterName'])
export class CloudInstanceEntity {
  /** `aws`. */
  @PrimaryColumn({ type: 'text' })
  provider!: string;

  @PrimaryColumn({ type: 'text' })
  region!: string;

  @PrimaryColumn({ name: 'instance_id', type: 'text' })
  instanceId!: string;

  @Column({ name: 'cluster_name', type: 'text' })
  clusterName!: string;

  @Column({ name: 'node_rank', type: 'integer' })
  nodeRank!: number;

  @Column({ type: 'text', nullable: true })
  zone!: string | null;

  @Column({ name: 'instance_type', type: 'text' })
  instanceType!: string;

  @Column({ name: 'use_spot', type: 'boolean', default: false })
  useSpot!: boolean;

  /** The cloud's state when last seen (`running`, `terminated`, ...). */
  @Column({ type: 'text' })
  state!: string;

  @Column({ name: 'public_ip', type: 'text', nullable: true })
  publicIp!: string | null;

  @Column({ name: 'private_ip', type: 'text', nullable: true })
  privateIp!: string | null;

  @Column({ name: 'ssh_user', type: 'text' })
  sshUser!: string;

  /** Pinned on first connect (`SHA256:...`); a different key later is refused. */
  @Column({ name: 'host_key_fingerprint', type: 'text', nullable: true })
  hostKeyFingerprint!: string | null;

  @CreateDateColumn({ name: 'launched_at', type: 'timestamptz' })
  launchedAt!: Date;

  @Column({ name: 'terminated_at', type: 'timestamptz', nullable: true })
  terminatedAt!: Date | null;
}
