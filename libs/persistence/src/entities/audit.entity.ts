import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** One mutating api call: who, what, when, from where, and how it ended. Append-only; owned by the api. */
@Entity({ name: 'audit_log' })
@Index('audit_log_actor', ['actorId', 'id'])
export class AuditEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @CreateDateColumn({ name: 'at', type: 'timestamptz' })
  at!: Date;

  @Column({ name: 'actor_id', type: 'uuid', nullable: true })
  actorId!: string | null;

  @Column({ name: 'actor_name', type: 'text', nullable: true })
  actorName!: string | null;

  @Column({ name: 'token_id', type: 'uuid', nullable: true })
  tokenId!: string | null;

  @Column({ type: 'text' })
  method!: string;

  @Column({ type: 'text' })
  path!: string;

  /** `ok` for a 2xx answer, else the error code. */
  @Column({ type: 'text' })
  result!: string;

  @Column({ name: 'status_code', type: 'integer' })
  statusCode!: number;

  /** The caller's address as the api saw it. */
  @Column({ type: 'text', nullable: true })
  ip!: string | null;

  @Column({ name: 'user_agent', type: 'text', nullable: true })
  userAgent!: string | null;
}
