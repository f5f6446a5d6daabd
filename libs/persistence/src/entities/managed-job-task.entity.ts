import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { ManagedJobRecovery, ManagedJobStatus } from '@skyport/contracts';
import type { StoredJson } from './stored-json';

/**
 * One task of a managed job: a pipeline's tasks run in order, each on clusters of its own; a plain job has one
 * (index 0). The job row drives the current task's attempt; this row keeps each task's own status and counters.
 */
@Entity({ name: 'managed_job_tasks' })
export class ManagedJobTaskEntity {
  @PrimaryColumn({ name: 'job_id', type: 'integer', primaryKeyConstraintName: 'PK_managed_job_tasks' })
  jobId!: number;

  @PrimaryColumn({ name: 'task_index', type: 'integer', primaryKeyConstraintName: 'PK_managed_job_tasks' })
  taskIndex!: number;

  @Column({ type: 'text', nullable: true })
  name!: string | null;

  /** The normalised task (secret values removed), as a launch stores it. */
  @Column({ type: 'jsonb' })
  task!: StoredJson['managed_job_tasks.task'];

  @Column({ type: 'jsonb' })
  recovery!: ManagedJobRecovery;

  /** Where this task's launches may run (its volumes may pin it), as the job's launch options carry it. */
  @Column({ type: 'jsonb', nullable: true })
  placement!: StoredJson['managed_job_tasks.placement'] | null;

  /** This task's secret values, sealed with the server's key under the job's scope. */
  @Column({ name: 'sealed_secrets', type: 'text', nullable: true })
  sealedSecrets!: string | null;

  @Column({ type: 'text' })
  status!: ManagedJobStatus;

  /** `SKYPILOT_TASK_ID` of this task on every attempt. */
  @Column({ name: 'task_id', type: 'text' })
  taskId!: string;

  @Column({ name: 'cluster_name', type: 'text', nullable: true })
  clusterName!: string | null;

  @Column({ name: 'cluster_job_id', type: 'integer', nullable: true })
  clusterJobId!: number | null;

  @Column({ name: 'recovery_count', type: 'integer', default: 0 })
  recoveryCount!: number;

  @Column({ name: 'restart_count', type: 'integer', default: 0 })
  restartCount!: number;

  @Column({ name: 'failure_reason', type: 'text', nullable: true })
  failureReason!: string | null;

  @Column({ name: 'started_at', type: 'timestamptz', nullable: true })
  startedAt!: Date | null;

  @Column({ name: 'ended_at', type: 'timestamptz', nullable: true })
  endedAt!: Date | null;
}
