import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A named position in the events table (the webhook dispatcher's), so a restart resumes where it stopped. */
@Entity({ name: 'api_cursors' })
export class ApiCursorEntity {
  @PrimaryColumn({ type: 'text' })
  name!: string;

  @Column({ name: 'event_id', type: 'bigint' })
  eventId!: string;
}
