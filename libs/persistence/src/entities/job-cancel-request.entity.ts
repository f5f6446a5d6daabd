import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A user's request to cancel a job (`skyport cancel`). The api writes it; the provisioner's job runner stops
 * the job's processes on every node and records the outcome on the job row, which it owns.
 */
@Entity({ name: 'job_cancel_requests' })
export class JobCancelRequestEntity {
  @PrimaryColumn({ name: 'cluster_name', type: 'text' })
  clusterName!: string;

  @PrimaryColumn({ name: 'job_id', type: 'integer' })
  jobId!: number;

  @Column({ name: 'request_id', type: 'uuid', nullable: true })
  requestId!: string | null;

  @Column({ name: 'requested_at', type: 'timestamptz', default: () => 'now()' })
  requestedAt!: Date;
}
