import { Entity, PrimaryColumn } from 'typeorm';

/** A Kubernetes namespace a team may launch into, per context. Owned by the api. */
@Entity({ name: 'team_namespaces' })
export class TeamNamespaceEntity {
  @PrimaryColumn({ type: 'text' })
  team!: string;

  @PrimaryColumn({ type: 'text' })
  context!: string;

  @PrimaryColumn({ type: 'text' })
  namespace!: string;
}
