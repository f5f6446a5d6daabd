import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { ClusterStatus } from '@skyport/contracts';
import type { StoredJson } from './stored-json';

/** A Skyport cluster: a set of pods (or VMs) running a task's nodes. Owned by the provisioner (the api creates it INIT). */
@Entity({ name: 'clusters' })
// The status list's pages (keyset on the name), all and per owner; see the api's cluster-rows.query.
@Index('clusters_live_name', ['name'], { where: `"status" <> 'TERMINATED'` })
@Index('clusters_live_owner_name', ['owner', 'name'], { where: `"status" <> 'TERMINATED'` })
@Index('clusters_owner_name', ['owner', 'name'])
export class ClusterEntity {
  @PrimaryColumn({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  status!: ClusterStatus;

  @Column({ type: 'text', default: 'anonymous' })
  owner!: string;

  /** `kubernetes/<context>` or `<cloud>/<region>` once placed. */
  @Column({ type: 'text', nullable: true })
  infra!: string | null;

  @Column({ type: 'text', nullable: true })
  namespace!: string | null;

  @Column({ name: 'instance_type', type: 'text', nullable: true })
  instanceType!: string | null;

  @Column({ name: 'num_nodes', type: 'integer', default: 1 })
  numNodes!: number;

  /** The normalised task the cluster was launched with (its resources decide reuse on relaunch). */
  @Column({ type: 'jsonb', nullable: true })
  task!: StoredJson['clusters.task'] | null;

  @Column({ name: 'request_id', type: 'uuid', nullable: true })
  requestId!: string | null;

  @Column({ name: 'autostop_minutes', type: 'integer', nullable: true })
  autostopMinutes!: number | null;

  @Column({ name: 'autostop_down', type: 'boolean', default: false })
  autostopDown!: boolean;

  @Column({ name: 'status_reason', type: 'text', nullable: true })
  statusReason!: string | null;

  /** Last time a job started or ended, or a session opened: the start of the idle window. */
  @Column({ name: 'last_activity_at', type: 'timestamptz', nullable: true })
  lastActivityAt!: Date | null;

  /** Set while the cluster is STOPPED (its VMs stopped): the start of the interval the cost report does not bill. */
  @Column({ name: 'stopped_at', type: 'timestamptz', nullable: true })
  stoppedAt!: Date | null;

  /** Seconds spent STOPPED before the current interval (added up at each start). */
  @Column({ name: 'stopped_seconds', type: 'integer', default: 0 })
  stoppedSeconds!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
