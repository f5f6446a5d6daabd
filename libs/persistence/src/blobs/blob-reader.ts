import { createHash } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { ErrorCode, SkyportError, type BlobManifest } from '@skyport/contracts';
import { PostgresBlobContent, type BlobContentStore } from './blob-content.store';

/**
 * The provisioner's read-only view of uploaded task files: a manifest by digest, a chunk by digest (checked
 * against its digest, so a corrupted row never reaches a pod). Writes belong to the api.
 */
export class BlobReader {
  private readonly content: BlobContentStore;

  constructor(
    private readonly db: DataSource,
    content?: BlobContentStore,
  ) {
    this.content = content ?? new PostgresBlobContent(db);
  }

  async manifest(digest: string): Promise<BlobManifest> {
    const rows: Array<{ body: BlobManifest }> = await this.db.query(`SELECT body FROM blob_manifests WHERE digest = $1 LIMIT 1`, [digest]);
    if (!rows[0]) {
      throw new SkyportError(ErrorCode.InvalidTask, `The uploaded files ${digest.slice(0, 12)} are no longer on the server (garbage-collected?); launch again to upload them.`, { digest });
    }
    return rows[0].body;
  }

  async chunk(digest: string): Promise<Buffer> {
    const data = await this.content.read(digest);
    if (!data || createHash('sha256').update(data).digest('hex') !== digest) {
      throw new SkyportError(ErrorCode.Internal, `An uploaded chunk (${digest.slice(0, 12)}) is missing or damaged in the blob store; launch again to upload it.`, { digest });
    }
    return data;
  }
}
