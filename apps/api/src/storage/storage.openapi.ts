import type { OpenApiPart } from '../openapi/openapi-part';

/**
 * `/v1/storage` in the OpenAPI document (assembled in openapi/openapi.parts.ts); the answers are zod schemas in
 * libs/contracts (storage.dto.ts, lists.dto.ts), generated from REST_SCHEMAS.
 */
export const STORAGE_OPENAPI: OpenApiPart = {
  operations: [
    ['get', '/v1/storage', {
      id: 'listStorage',
      summary: "Buckets Skyport created for the caller's team's named storage (file_mounts {name, source, store: s3, mode: COPY}), with the live clusters using each.",
      tag: 'infra',
      ok: { 200: 'StorageList' },
    }],
    ['delete', '/v1/storage/{name}', {
      id: 'deleteStorage',
      summary: 'Delete a bucket Skyport created: marked DELETING, emptied and deleted by the provisioner shortly; refused while a live cluster uses it.',
      tag: 'infra',
      params: [{ name: 'name', in: 'path', required: true, description: 'Storage (bucket) name.', schema: { type: 'string' } }],
      ok: { 202: 'StorageDeleted' },
      errors: [404, 409],
    }],
  ],
};
