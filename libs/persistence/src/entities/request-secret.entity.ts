import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Secret values given at launch (`--secret K=V`, task `secrets`), kept apart from the request row so no read
 * path that serialises requests can reach them. The provisioner copies them into a Kubernetes Secret.
 */
@Entity({ name: 'request_secrets' })
export class RequestSecretEntity {
  @PrimaryColumn({ name: 'request_id', type: 'uuid' })
  requestId!: string;

  @Column({ type: 'jsonb' })
  values!: Record<string, string>;
}
