import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** The stored answer to a POST made with an Idempotency-Key, so a retry gets the same answer. Owned by the api. */
@Entity({ name: 'idempotency_keys' })
export class IdempotencyKeyEntity {
  /** The caller (user id) the key belongs to. */
  @PrimaryColumn({ type: 'text' })
  principal!: string;

  @PrimaryColumn({ type: 'text' })
  key!: string;

  @Column({ type: 'text' })
  method!: string;

  @Column({ type: 'text' })
  path!: string;

  @Column({ name: 'body_hash', type: 'text' })
  bodyHash!: string;

  /** Null while the first try is still running. */
  @Column({ name: 'status_code', type: 'integer', nullable: true })
  statusCode!: number | null;

  @Column({ type: 'jsonb', nullable: true })
  response!: unknown;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
