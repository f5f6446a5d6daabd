import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** Where a team's events are POSTed, signed with HMAC-SHA256 using `secret`. Owned by the api. */
@Entity({ name: 'webhooks' })
export class WebhookEntity {
  @PrimaryColumn('uuid')
  id!: string;

  /** The team whose events it receives; null: every event (admins only). */
  @Column({ type: 'text', nullable: true })
  team!: string | null;

  @Column({ type: 'text' })
  url!: string;

  /** The signing key. Never returned after creation, never logged. */
  @Column({ type: 'text' })
  secret!: string;

  /** Event type prefixes to send (`cluster.`, `job.failed`); empty: all. */
  @Column({ name: 'event_types', type: 'text', array: true, default: () => "'{}'" })
  eventTypes!: string[];

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'disabled_at', type: 'timestamptz', nullable: true })
  disabledAt!: Date | null;
}
