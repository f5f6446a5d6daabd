import { CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** A team: the unit of isolation (who sees which clusters) and of quotas. Owned by the api. */
@Entity({ name: 'teams' })
export class TeamEntity {
  @PrimaryColumn({ type: 'text' })
  name!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
