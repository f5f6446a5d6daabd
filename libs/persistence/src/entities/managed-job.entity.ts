import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { ManagedJobRecovery, ManagedJobStatus } from '@skyport/contracts';
import type { StoredJson } from './stored-json';

/** A managed job (`skyport jobs launch`). Owned by the api's managed-jobs controller. */
@Entity({ name: 'managed_jobs' })
export class ManagedJobEntity {
  /** Small per-server ids (1, 2, ...), as SkyPilot numbers managed jobs. */
  @PrimaryGeneratedColumn({ type: 'integer', primaryKeyConstraintName: 'PK_managed_jobs_id' })
  id!: number;

  @Column({ type: 'text', nullable: true })
  name!: string | null;

  @Column({ type: 'text' })
  owner!: string;

  @Index('IDX_managed_jobs_team')
  @Column({ type: 'text', nullable: true })
  team!: string | null;

  @Index('IDX_managed_jobs_status')
  @Column({ type: 'text' })
  status!: ManagedJobStatus;

  /** The normalised task, as a launch stores it (secret values removed). */
  @Column({ type: 'jsonb' })
  task!: StoredJson['managed_jobs.task'];

  /** The task's secret values, sealed with the server's key: every attempt's launch needs them again. */
  @Column({ name: 'sealed_secrets', type: 'text', nullable: true })
  sealedSecrets!: string | null;

  /** What each attempt's launch is given besides the task: placement, priority, noBurst. */
  @Column({ name: 'launch_options', type: 'jsonb', default: () => "'{}'" })
  launchOptions!: StoredJson['managed_jobs.launch_options'];

  @Column({ type: 'jsonb' })
  recovery!: ManagedJobRecovery;

  @Column({ name: 'recovery_count', type: 'integer', default: 0 })
  recoveryCount!: number;

  @Column({ name: 'restart_count', type: 'integer', default: 0 })
  restartCount!: number;

  /** Launches so far (each attempt gets a cluster of its own: `<prefix>-<id>-<attempt>`). */
  @Column({ type: 'integer', default: 0 })
  attempt!: number;

  /** `SKYPILOT_TASK_ID` of every attempt. */
  @Column({ name: 'task_id', type: 'text' })
  taskId!: string;

  /** The pipeline task the current attempt runs (0-based; always 0 for a job of one task). */
  @Column({ name: 'current_task', type: 'integer', default: 0 })
  currentTask!: number;

  @Column({ name: 'cluster_name', type: 'text', nullable: true })
  clusterName!: string | null;

  @Column({ name: 'cluster_request_id', type: 'uuid', nullable: true })
  clusterRequestId!: string | null;

  @Column({ name: 'cluster_job_id', type: 'integer', nullable: true })
  clusterJobId!: number | null;

  @Column({ name: 'failure_reason', type: 'text', nullable: true })
  failureReason!: string | null;

  @Column({ name: 'submitted_at', type: 'timestamptz', default: () => 'now()' })
  submittedAt!: Date;

  @Column({ name: 'started_at', type: 'timestamptz', nullable: true })
  startedAt!: Date | null;

  @Column({ name: 'ended_at', type: 'timestamptz', nullable: true })
  endedAt!: Date | null;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}
