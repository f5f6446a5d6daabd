import type { DataSource, EntityManager } from 'typeorm';

/**
 * Where chunk bytes live. Postgres (the `blobs.data` column) by default, so every api replica and the provisioner
 * read the same content; an S3-compatible bucket can implement this interface (the `blobs` row then keeps only
 * digest and size, `data` null). Metadata (grants, manifests, uses) stays in Postgres either way.
 */
export interface BlobContentStore {
  /** Stores the bytes of a digest the caller has already verified. Idempotent. */
  write(tx: EntityManager, digest: string, data: Buffer): Promise<void>;
  read(digest: string): Promise<Buffer | undefined>;
  /** Called by GC for blob rows it is deleting. */
  remove(tx: EntityManager, digests: string[]): Promise<void>;
}

export class PostgresBlobContent implements BlobContentStore {
  constructor(private readonly db: DataSource) {}

  async write(tx: EntityManager, digest: string, data: Buffer): Promise<void> {
    await tx.query(
      `INSERT INTO blobs (digest, size, data) VALUES ($1, $2, $3)
       ON CONFLICT (digest) DO UPDATE SET last_referenced_at = now(), data = COALESCE(blobs.data, EXCLUDED.data)`,
      [digest, data.length, data],
    );
  }

  async read(digest: string): Promise<Buffer | undefined> {
    const rows: Array<{ data: Buffer | null }> = await this.db.query(`SELECT data FROM blobs WHERE digest = $1`, [digest]);
    return rows[0]?.data ?? undefined;
  }

  async remove(): Promise<void> {
    // The bytes are in the rows GC deletes.
  }
}
