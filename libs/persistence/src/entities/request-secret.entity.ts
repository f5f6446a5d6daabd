import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Secret values given at launch (`--secret K=V`, task `secrets`), kept apart from the request row so no read
 * path that serialises requests can reach them, and sealed (AES-256-GCM with SKYPORT_SECRETS_KEY, see
 * secrets/secret-box.ts): only the provisioner opens them, to build the pod's Secret. Deleted when the cluster is
 * torn down or its launch fails.
 */
@Entity({ name: 'request_secrets' })
export class RequestSecretEntity {
  @PrimaryColumn({ name: 'request_id', type: 'uuid' })
  requestId!: string;

  /** `v1.<iv>.<tag>.<ciphertext>`; never plaintext. */
  @Column({ type: 'text' })
  sealed!: string;
}
