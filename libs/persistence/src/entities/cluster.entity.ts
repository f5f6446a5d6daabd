import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { ClusterIntent, ClusterStatus } from '@skyport/contracts';
import type { StoredJson } from './stored-json';

/** `clusters.status` as the migration computes it (`ClusterPhaseIntent1797800000000`); see effectiveClusterStatus. */
const CLUSTER_STATUS_SQL = `CASE WHEN "intent" = 'down' AND "phase" <> 'TERMINATED' THEN 'TEARING_DOWN' WHEN "intent" = 'stop' AND "phase" = 'UP' THEN 'STOPPED' ELSE "phase" END`;

/** `clusters.status_reason`: the intent's reason while the intent decides the status, else the phase's. */
const CLUSTER_STATUS_REASON_SQL = `CASE WHEN ("intent" = 'down' AND "phase" <> 'TERMINATED') OR ("intent" = 'stop' AND "phase" = 'UP') THEN "intent_reason" ELSE "phase_reason" END`;

/**
 * A Skyport cluster: a set of pods (or VMs) running a task's nodes. The api creates it (phase INIT); from then on
 * only the provisioner moves its `phase`. A `down` or `stop` is an `intent`, written by whoever accepts it; `status`
 * is computed by Postgres from both (`effectiveClusterStatus`) and is what everything reads.
 */
@Entity({ name: 'clusters' })
// The status list's pages (keyset on the name), all and per owner; see the api's cluster-rows.query.
@Index('clusters_live_name', ['name'], { where: `"status" <> 'TERMINATED'` })
@Index('clusters_live_owner_name', ['owner', 'name'], { where: `"status" <> 'TERMINATED'` })
@Index('clusters_owner_name', ['owner', 'name'])
export class ClusterEntity {
  @PrimaryColumn({ type: 'text' })
  name!: string;

  /** Where the provisioner has brought the cluster. Written by the provisioner only (see CONTRIBUTING.md). */
  @Column({ type: 'text' })
  phase!: ClusterStatus;

  /** A `down` or `stop` accepted and not yet carried out (it stays once done; a new launch clears it). */
  @Column({ type: 'text', nullable: true })
  intent!: ClusterIntent | null;

  /** Why the intent was set ("teardown requested by alice", autodown's reason). */
  @Column({ name: 'intent_reason', type: 'text', nullable: true })
  intentReason!: string | null;

  /** The phase, or what a pending intent fences it into. Computed by Postgres: no service can write it. */
  @Column({ type: 'text', generatedType: 'STORED', asExpression: CLUSTER_STATUS_SQL, insert: false, update: false })
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

  /** Why the cluster is in its phase (the provisioner's words). */
  @Column({ name: 'phase_reason', type: 'text', nullable: true })
  phaseReason!: string | null;

  /** The reason that goes with `status`: the intent's while it decides the status, else the phase's. Computed. */
  @Column({ name: 'status_reason', type: 'text', generatedType: 'STORED', asExpression: CLUSTER_STATUS_REASON_SQL, insert: false, update: false, nullable: true })
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
