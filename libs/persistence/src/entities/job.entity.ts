import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { JobStatus } from '@skyport/contracts';
import type { StoredJson } from './stored-json';

/** A job on a cluster (SkyPilot's job queue). `jobId` counts from 1 per cluster. Owned by the provisioner. */
@Entity({ name: 'jobs' })
@Index('jobs_cluster_job', ['clusterName', 'jobId'], { unique: true })
export class JobEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ name: 'cluster_name', type: 'text' })
  clusterName!: string;

  @Column({ name: 'job_id', type: 'integer' })
  jobId!: number;

  @Column({ type: 'text', nullable: true })
  name!: string | null;

  @Column({ type: 'text' })
  status!: JobStatus;

  @Column({ name: 'request_id', type: 'uuid', nullable: true })
  requestId!: string | null;

  /** The normalised task to run (setup, run, envs; secrets are referenced, not stored here). */
  @Column({ type: 'jsonb' })
  task!: StoredJson['jobs.task'];

  @Column({ name: 'submitted_at', type: 'timestamptz', default: () => 'now()' })
  submittedAt!: Date;

  @Column({ name: 'started_at', type: 'timestamptz', nullable: true })
  startedAt!: Date | null;

  @Column({ name: 'ended_at', type: 'timestamptz', nullable: true })
  endedAt!: Date | null;

  @Column({ name: 'exit_codes', type: 'integer', array: true, nullable: true })
  exitCodes!: number[] | null;

  /** When the job queue admitted the job (its resources fit beside the running ones); null while it waits. */
  @Column({ name: 'scheduled_at', type: 'timestamptz', nullable: true })
  scheduledAt!: Date | null;

  /** The GPU indices (on each node) the job was given when admitted; null for a job without GPUs. */
  @Column({ type: 'integer', array: true, nullable: true })
  devices!: number[] | null;
}
