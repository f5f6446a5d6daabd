import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/** A person or a service account. `role` is `admin` or `user`; users see only their team's clusters. Owned by the api. */
@Entity({ name: 'users' })
@Index('users_name', ['name'], { unique: true })
@Index('users_team', ['team'])
export class UserEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ type: 'text' })
  name!: string;

  /** `admin` or `user`. */
  @Column({ type: 'text' })
  role!: string;

  /** `user` (a person) or `service` (a program: a scheduler, CI). */
  @Column({ type: 'text', default: 'user' })
  kind!: string;

  @Column({ type: 'text', nullable: true })
  team!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'disabled_at', type: 'timestamptz', nullable: true })
  disabledAt!: Date | null;
}
