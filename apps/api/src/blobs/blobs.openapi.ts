import type { OpenApiPart, Schema } from '../openapi/openapi-part';
import { arr, int, obj, str } from '../openapi/schema-helpers';

const digest = str({ pattern: '^[0-9a-f]{64}$', description: 'sha256, 64 lower-case hex digits' });

/** The manifest stays hand-kept (manifest-check.ts reads it); the other bodies and answers are zod schemas in libs/contracts (blob.dto.ts). */
const schemas: Record<string, Schema> = {
  BlobManifestEntry: obj(
    {
      path: str({ description: 'Relative, `/`-separated; "" for the one entry of a single-file manifest.' }),
      type: str({ enum: ['file', 'dir', 'symlink'] }),
      mode: int({ minimum: 0, maximum: 511 }),
      size: int({ minimum: 0 }),
      sha256: digest,
      chunks: arr(digest),
      target: str({ description: 'Symlinks: the link as written.' }),
    },
    ['size', 'sha256', 'chunks', 'target'],
  ),
  ManifestBody: obj({ manifest: obj({ version: int({ enum: [1] }), kind: str({ enum: ['dir', 'file'] }), entries: arr({ $ref: '#/components/schemas/BlobManifestEntry' }) }) }),
};

/** `/v1/blobs` in the OpenAPI document (assembled in openapi/openapi.parts.ts). */
export const BLOBS_OPENAPI: OpenApiPart = {
  schemas,
  operations: [
    ['get', '/v1/blobs/limits', {
      id: 'blobLimits',
      summary: "The server's upload limits, so a client can refuse too-large files before uploading.",
      tag: 'blobs',
      ok: { 200: 'BlobLimits' },
    }],
    ['post', '/v1/blobs/missing', {
      id: 'missingBlobs',
      summary: "Which of these chunk digests the caller's team has not uploaded yet (upload only those: resumable, deduplicated).",
      tag: 'blobs',
      body: 'BlobMissingBody',
      ok: { 200: 'BlobMissingAnswer' },
      errors: [400],
    }],
    ['put', '/v1/blobs/{sha256}', {
      id: 'putBlob',
      summary: 'Uploads one chunk (application/octet-stream); refused unless its bytes hash to the address, or above the chunk limit.',
      tag: 'blobs',
      params: [{ name: 'sha256', in: 'path', required: true, schema: digest }],
      rawBody: { 'application/octet-stream': str({ format: 'binary' }) },
      ok: { 200: 'BlobPutAnswer' },
      errors: [400, 413],
    }],
    ['post', '/v1/blobs/manifests', {
      id: 'createManifest',
      summary: "Registers a packed tree or file whose chunks the caller's team has uploaded; answers the `skyport-blob://` reference for the task.",
      tag: 'blobs',
      body: 'ManifestBody',
      // The same JSON under its own media type, for manifests larger than the api's JSON body limit (up to 64 MiB).
      rawBody: { 'application/vnd.skyport.manifest+json': { $ref: '#/components/schemas/ManifestBody' } },
      ok: { 201: 'ManifestCreated' },
      errors: [400, 413],
    }],
  ],
};
