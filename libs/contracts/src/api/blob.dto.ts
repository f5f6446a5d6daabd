import { z } from 'zod';

/**
 * Local files travel with the request: the CLI (libs/client) packs a task's `workdir` and local `file_mounts`
 * sources into content-addressed chunks and a manifest; the task then names the manifest as
 * `skyport-blob://<sha256 of the manifest>` instead of a path. The server never opens a path a user named.
 */

/** The scheme of a manifest reference in `workdir` / a `file_mounts` source. */
export const BLOB_REF_SCHEME = 'skyport-blob://';

/** The chunk size the client cuts files into (the server accepts up to its own per-chunk limit). */
export const BLOB_CHUNK_BYTES = 4 * 1024 * 1024;

const DIGEST = /^[0-9a-f]{64}$/;

export function isDigest(value: unknown): value is string {
  return typeof value === 'string' && DIGEST.test(value);
}

export function blobRef(manifestDigest: string): string {
  return `${BLOB_REF_SCHEME}${manifestDigest}`;
}

/** The manifest digest of a `skyport-blob://` reference, or undefined for anything else. */
export function parseBlobRef(value: unknown): string | undefined {
  if (typeof value !== 'string' || !value.startsWith(BLOB_REF_SCHEME)) return undefined;
  const digest = value.slice(BLOB_REF_SCHEME.length);
  return isDigest(digest) ? digest : undefined;
}

/** `s3://…`, `gs://…`, `https://…`: a URL, not a path (buckets are left as they are). */
export function isUrlSource(value: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(value);
}

export interface BlobManifestEntry {
  /** `/`-separated, relative to the mount root, never `..` or absolute; `''` only for a single-file manifest. */
  path: string;
  type: 'file' | 'dir' | 'symlink';
  /** Permission bits (0o777 at most). */
  mode: number;
  /** Files: size in bytes. */
  size?: number;
  /** Files: sha256 of the whole content. */
  sha256?: string;
  /** Files: sha256 of each chunk, in order (none for an empty file). */
  chunks?: string[];
  /** Symlinks: the link as written (kept as a symlink, never followed). */
  target?: string;
}

/** One packed tree (a directory) or one file, as it will land at its mount target. */
export interface BlobManifest {
  version: 1;
  kind: 'dir' | 'file';
  entries: BlobManifestEntry[];
}

export const BlobLimitsSchema = z.object({
  /** Largest chunk `PUT /v1/blobs/{sha256}` accepts. */
  chunkMaxBytes: z.number().int().meta({ description: 'Largest chunk one PUT accepts (SKYPORT_BLOB_CHUNK_MAX_BYTES).' }),
  /** Largest total of file sizes in one launch or exec (every mount together). */
  uploadMaxBytes: z.number().int().meta({ description: 'Largest total of file sizes one launch or exec may name (SKYPORT_UPLOAD_MAX_BYTES).' }),
});
export type BlobLimits = z.infer<typeof BlobLimitsSchema>;

const digest = () => z.string().regex(DIGEST).meta({ description: 'sha256, 64 lower-case hex digits' });

/** The most digests one `POST /v1/blobs/missing` may ask about. */
export const MAX_DIGESTS_PER_QUERY = 100_000;
const MISSING_MESSAGE = `send {"digests": [...]}: at most ${MAX_DIGESTS_PER_QUERY} sha256 digests (64 lower-case hex digits)`;

/** `POST /v1/blobs/missing`: the chunks a client is about to upload. */
export const BlobMissingBodySchema = z.object(
  {
    digests: z
      .array(z.string({ error: `${MISSING_MESSAGE}; not {value}` }).regex(DIGEST, { error: `${MISSING_MESSAGE}; not {value}` }), { error: MISSING_MESSAGE })
      .max(MAX_DIGESTS_PER_QUERY, { error: MISSING_MESSAGE })
      .meta({ description: 'sha256 digests, 64 lower-case hex digits' }),
  },
  { error: MISSING_MESSAGE },
);
export type BlobMissingBody = z.infer<typeof BlobMissingBodySchema>;

export const BlobMissingAnswerSchema = z.object({
  /** The digests the caller still has to upload (those the server does not hold for the caller's team). */
  missing: z.array(digest()).meta({ description: "The digests the caller's team still has to upload." }),
});
export type BlobMissingAnswer = z.infer<typeof BlobMissingAnswerSchema>;

export const BlobPutAnswerSchema = z.object({ digest: digest(), size: z.number().int() });
export type BlobPutAnswer = z.infer<typeof BlobPutAnswerSchema>;

export const ManifestCreatedSchema = z.object({
  digest: digest(),
  /** What goes into the task in place of the path. */
  ref: z.string().meta({ description: 'Put this in the task in place of the path: `skyport-blob://<digest>`.' }),
  totalBytes: z.number().int(),
  files: z.number().int(),
});
export type ManifestCreated = z.infer<typeof ManifestCreatedSchema>;
