import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { RequestKind, RequestStatus } from '@skyport/contracts';
import type { StoredJson } from './stored-json';

/** A user's request (launch, exec, down). Owned by the api. */
@Entity({ name: 'requests' })
@Index('requests_idempotency_key', ['owner', 'idempotencyKey'], { unique: true, where: '"idempotency_key" IS NOT NULL' })
export class RequestEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ type: 'text' })
  kind!: RequestKind;

  @Column({ type: 'text' })
  status!: RequestStatus;

  @Column({ name: 'cluster_name', type: 'text' })
  clusterName!: string;

  @Column({ name: 'job_id', type: 'integer', nullable: true })
  jobId!: number | null;

  /** Who asked: a user id once auth exists; `anonymous` before. Idempotency keys are scoped to it. */
  @Column({ type: 'text', default: 'anonymous' })
  owner!: string;

  @Column({ name: 'idempotency_key', type: 'text', nullable: true })
  idempotencyKey!: string | null;

  /** Hash of the request body, so a reused key with a different body is refused instead of silently ignored. */
  @Column({ name: 'body_hash', type: 'text' })
  bodyHash!: string;

  /** The request as accepted (normalised task, overrides, autostop) — never secret values. */
  @Column({ type: 'jsonb' })
  payload!: StoredJson['requests.payload'];

  @Column({ name: 'error_code', type: 'text', nullable: true })
  errorCode!: string | null;

  @Column({ name: 'error_message', type: 'text', nullable: true })
  errorMessage!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
