import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * Uploaded file content (chunks of a task's workdir / file_mounts), content-addressed by sha256. Owned by the
 * api (writes); the provisioner only reads. `data` is null when the content lives in another store (an
 * S3-compatible bucket, see BlobContentStore) — the row then only says the blob exists and its size.
 */
@Entity({ name: 'blobs' })
export class BlobEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  digest!: string;

  @Column({ type: 'integer' })
  size!: number;

  @Column({ type: 'bytea', nullable: true })
  data!: Buffer | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  /** Bumped by every upload, manifest or launch that uses the blob: GC spares anything touched within its grace. */
  @Column({ name: 'last_referenced_at', type: 'timestamptz', default: () => 'now()' })
  lastReferencedAt!: Date;
}

/**
 * Who may use a blob: a team (`team:<name>`) or a user without one (`user:<id>`). A scope gets a grant only by
 * uploading the bytes (proof of possession), so knowing a digest never gives another team its content, and
 * "which digests are missing" only ever answers about the caller's own scope.
 */
@Entity({ name: 'blob_grants' })
export class BlobGrantEntity {
  @PrimaryColumn({ type: 'varchar', length: 200 })
  scope!: string;

  @PrimaryColumn({ type: 'varchar', length: 64 })
  digest!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

/** A packed tree (or file) registered by a scope: what `skyport-blob://<digest>` in a task stands for. */
@Entity({ name: 'blob_manifests' })
// GIN over the chunk list for GC's "is any manifest still using this chunk" (TypeORM cannot declare GIN).
@Index('blob_manifests_chunks', { synchronize: false })
export class BlobManifestEntity {
  @PrimaryColumn({ type: 'varchar', length: 200 })
  scope!: string;

  @PrimaryColumn({ type: 'varchar', length: 64 })
  digest!: string;

  /** The BlobManifest (libs/contracts) as sent, after validation. */
  @Column({ type: 'jsonb' })
  body!: Record<string, unknown>;

  @Column({ type: 'text', array: true })
  chunks!: string[];

  @Column({ name: 'total_bytes', type: 'bigint' })
  totalBytes!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'last_referenced_at', type: 'timestamptz', default: () => 'now()' })
  lastReferencedAt!: Date;
}

/** A launch or exec request that named a manifest: the manifest lives while the request or its cluster does. */
@Entity({ name: 'blob_manifest_uses' })
@Index('blob_manifest_uses_cluster', ['clusterName'])
export class BlobManifestUseEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  digest!: string;

  @PrimaryColumn({ name: 'request_id', type: 'uuid' })
  requestId!: string;

  @Column({ type: 'varchar', length: 200 })
  scope!: string;

  @Column({ name: 'cluster_name', type: 'text' })
  clusterName!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

export const BLOB_ENTITIES = [BlobEntity, BlobGrantEntity, BlobManifestEntity, BlobManifestUseEntity];
