import { Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { ErrorCode, SkyportError, TERMINAL_REQUEST_STATUSES, blobRef, isDigest, parseBlobRef, type BlobLimits, type BlobManifest, type BlobMissingBody, type ManifestCreated } from '@skyport/contracts';
import { PostgresBlobContent, type BlobContentStore } from '@skyport/persistence';
import { SERVICE_CONFIG } from '@skyport/service-kit';
import type { TaskSpec } from '@skyport/task-spec';
import type { ApiConfig } from '../config';
import { biggestFiles, canonicalManifest, formatBytes } from './manifest-check';
import { uploadsOfTask } from './task-files';

/** Only one api replica collects garbage at a time (pg_try_advisory_xact_lock key). */
const GC_LOCK_KEY = 7_342_015_311;

/** TypeORM answers UPDATE/DELETE … RETURNING as [rows, count] and other statements as rows. */
function returned<T>(result: unknown): T[] {
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[0] as T[];
  return result as T[];
}

export interface GcResult {
  skipped: boolean;
  manifests: number;
  blobs: number;
}

/** The blob store's writes (the api owns them): chunks, grants, manifests, their uses by requests, and GC. */
@Injectable()
export class BlobService {
  readonly content: BlobContentStore;

  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(SERVICE_CONFIG) private readonly config: ApiConfig,
  ) {
    this.content = new PostgresBlobContent(db);
  }

  limits(): BlobLimits {
    return { chunkMaxBytes: this.config.SKYPORT_BLOB_CHUNK_MAX_BYTES, uploadMaxBytes: this.config.SKYPORT_UPLOAD_MAX_BYTES };
  }

  /** Of `digests`, those the scope has no grant for. Present ones are marked used, so GC spares them until the manifest. */
  async missing(scope: string, { digests }: BlobMissingBody): Promise<string[]> {
    const unique = [...new Set(digests)];
    const rows = returned<{ digest: string }>(
      await this.db.query(
      `WITH have AS (SELECT g.digest FROM blob_grants g JOIN blobs b ON b.digest = g.digest WHERE g.scope = $1 AND g.digest = ANY($2::text[]))
       UPDATE blobs SET last_referenced_at = now() WHERE digest IN (SELECT digest FROM have) RETURNING digest`,
        [scope, unique],
      ),
    );
    const have = new Set(rows.map((r) => r.digest));
    return unique.filter((d) => !have.has(d));
  }

  /** Stores one chunk after checking its bytes hash to the digest; the scope gets a grant (it proved possession). */
  async put(scope: string, digest: string, data: Buffer): Promise<{ digest: string; size: number }> {
    if (!isDigest(digest)) throw new SkyportError(ErrorCode.InvalidRequest, 'the blob address must be its sha256: 64 lower-case hex digits');
    const actual = createHash('sha256').update(data).digest('hex');
    if (actual !== digest) {
      throw new SkyportError(ErrorCode.InvalidRequest, `the uploaded bytes hash to ${actual}, not ${digest}: the chunk was damaged on the way; upload it again`, {
        kind: 'digest-mismatch',
        expected: digest,
        actual,
      });
    }
    await this.db.transaction(async (tx) => {
      await this.content.write(tx, digest, data);
      await tx.query(`INSERT INTO blob_grants (scope, digest) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [scope, digest]);
    });
    return { digest, size: data.length };
  }

  /** Registers a manifest whose chunks the scope holds; answers the reference a task uses in place of the path. */
  async createManifest(scope: string, raw: unknown): Promise<ManifestCreated> {
    const { manifest, digest, chunks, totalBytes, files } = canonicalManifest((raw as { manifest?: unknown } | null)?.manifest);
    this.checkTotal(totalBytes, [{ prefix: '.', manifest }]);
    const missing = await this.missing(scope, { digests: chunks });
    if (missing.length) {
      throw new SkyportError(ErrorCode.InvalidRequest, `${missing.length} chunk(s) of this manifest were not uploaded by your team (first: ${missing[0]}); upload them with PUT /v1/blobs/{sha256} first`, {
        kind: 'chunks-missing',
        missing: missing.slice(0, 100),
      });
    }
    await this.db.query(
      `INSERT INTO blob_manifests (scope, digest, body, chunks, total_bytes) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (scope, digest) DO UPDATE SET last_referenced_at = now()`,
      [scope, digest, JSON.stringify(manifest), chunks, totalBytes],
    );
    return { digest, ref: blobRef(digest), totalBytes, files };
  }

  /**
   * The uploads a launch/exec task names, checked: each a manifest of the caller's scope, together within the
   * upload limit. Refuses local paths (see uploadsOfTask).
   */
  async checkTask(scope: string, task: TaskSpec): Promise<string[]> {
    const uploads = uploadsOfTask(task);
    if (!uploads.length) return [];
    const digests = [...new Set(uploads.map((u) => u.digest))];
    const rows: Array<{ digest: string; body: BlobManifest; total_bytes: string }> = await this.db.query(
      `SELECT digest, body, total_bytes FROM blob_manifests WHERE scope = $1 AND digest = ANY($2::text[])`,
      [scope, digests],
    );
    const known = new Map(rows.map((r) => [r.digest, r]));
    for (const u of uploads) {
      if (!known.has(u.digest)) {
        throw new SkyportError(
          ErrorCode.InvalidTask,
          `the files for '${u.target}' (upload ${u.digest.slice(0, 12)}) are not on the server for your team (never uploaded, or garbage-collected); launch again with the skyport CLI or libs/client to upload them`,
          { kind: 'unknown-upload', digest: u.digest },
        );
      }
    }
    const workdir = parseBlobRef(task.workdir);
    if (workdir && known.get(workdir)?.body.kind !== 'dir') {
      throw new SkyportError(ErrorCode.InvalidTask, 'workdir must be a directory; the upload it names is a single file (put single files in file_mounts)', { kind: 'workdir-not-dir' });
    }
    const total = rows.reduce((s, r) => s + Number(r.total_bytes), 0);
    this.checkTotal(
      total,
      uploads.map((u) => ({ prefix: u.target, manifest: known.get(u.digest)!.body })),
    );
    return digests;
  }

  /** In the launch's transaction: the request (and so its cluster) now keeps these manifests alive. */
  async recordUses(tx: EntityManager, scope: string, digests: string[], requestId: string, clusterName: string): Promise<void> {
    if (!digests.length) return;
    await tx.query(
      `INSERT INTO blob_manifest_uses (digest, request_id, scope, cluster_name) SELECT d, $2, $3, $4 FROM unnest($1::text[]) AS d ON CONFLICT DO NOTHING`,
      [digests, requestId, scope, clusterName],
    );
    await tx.query(`UPDATE blob_manifests SET last_referenced_at = now() WHERE scope = $1 AND digest = ANY($2::text[])`, [scope, digests]);
  }

  private checkTotal(totalBytes: number, manifests: Array<{ prefix: string; manifest: BlobManifest }>): void {
    const limit = this.config.SKYPORT_UPLOAD_MAX_BYTES;
    if (totalBytes <= limit) return;
    throw new SkyportError(
      ErrorCode.PayloadTooLarge,
      `the task's files total ${formatBytes(totalBytes)}, above this server's upload limit of ${formatBytes(limit)} (SKYPORT_UPLOAD_MAX_BYTES); biggest files: ${biggestFiles(manifests)}. Add them to .skyignore, or put large data in a bucket`,
      { kind: 'upload-too-large', totalBytes, limitBytes: limit },
    );
  }

  /**
   * Deletes what no live request or cluster refers to: uses of finished requests whose cluster is gone (or which
   * a later sync of the same cluster replaced), then
   * manifests without a use (after the grace), then chunks no manifest lists (after the grace). One replica at a
   * time (advisory lock); the others skip.
   */
  async collectGarbage(graceSeconds = this.config.SKYPORT_BLOB_GC_GRACE_SECONDS): Promise<GcResult> {
    return this.db.transaction(async (tx) => {
      const [{ locked }] = (await tx.query(`SELECT pg_try_advisory_xact_lock($1) AS locked`, [GC_LOCK_KEY])) as Array<{ locked: boolean }>;
      if (!locked) return { skipped: true, manifests: 0, blobs: 0 };
      await tx.query(
        // A finished request's files stay only while its cluster is alive and it was the cluster's latest sync
        // (what the nodes hold now); an unfinished request keeps its files whatever the cluster does.
        `DELETE FROM blob_manifest_uses u
         WHERE NOT EXISTS (SELECT 1 FROM requests r WHERE r.id = u.request_id AND r.status <> ALL($1::text[]))
           AND (NOT EXISTS (SELECT 1 FROM clusters c WHERE c.name = u.cluster_name AND c.status <> 'TERMINATED')
                OR EXISTS (SELECT 1 FROM blob_manifest_uses v WHERE v.cluster_name = u.cluster_name AND v.created_at > u.created_at))`,
        [[...TERMINAL_REQUEST_STATUSES]],
      );
      const manifests = returned<unknown>(
        await tx.query(
        `DELETE FROM blob_manifests m
         WHERE m.last_referenced_at < now() - make_interval(secs => $1)
           AND NOT EXISTS (SELECT 1 FROM blob_manifest_uses u WHERE u.digest = m.digest AND u.scope = m.scope)
         RETURNING 1`,
          [graceSeconds],
        ),
      );
      const dead = returned<{ digest: string }>(
        await tx.query(
        `DELETE FROM blobs b
         WHERE b.last_referenced_at < now() - make_interval(secs => $1)
           AND NOT EXISTS (SELECT 1 FROM blob_manifests m WHERE m.chunks @> ARRAY[b.digest]::text[])
         RETURNING digest`,
          [graceSeconds],
        ),
      );
      const digests = dead.map((d) => d.digest);
      if (digests.length) {
        await tx.query(`DELETE FROM blob_grants WHERE digest = ANY($1::text[])`, [digests]);
        await this.content.remove(tx, digests);
      }
      return { skipped: false, manifests: manifests.length, blobs: digests.length };
    });
  }
}
