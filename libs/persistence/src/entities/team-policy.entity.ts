import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { StoredJson } from './stored-json';

/**
 * A team's task policy (what its tasks may ask of Kubernetes), layered over the server config file's `policy:`.
 * Keys are the config file's (`allow_host_path`, `max_num_nodes`, ...). Owned by the api; read by the provisioner.
 */
@Entity({ name: 'team_policies' })
export class TeamPolicyEntity {
  @PrimaryColumn({ type: 'text' })
  team!: string;

  @Column({ type: 'jsonb' })
  policy!: StoredJson['team_policies.policy'];

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
