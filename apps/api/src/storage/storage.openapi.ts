import type { OpenApiPart, Schema } from '../openapi/openapi-part';
import { arr, bool, dateTime, list, nullable, obj, str } from '../openapi/schema-helpers';

const schemas: Record<string, Schema> = {
  StorageView: obj({
    name: str(),
    store: str({ enum: ['s3'] }),
    status: str({ enum: ['READY', 'DELETING'] }),
    persistent: bool(),
    clusterName: nullable(str({ description: 'The cluster whose launch created the bucket.' })),
    team: nullable(str()),
    ownerName: nullable(str()),
    usedBy: arr(str(), { description: 'Live clusters whose task mounts the bucket.' }),
    createdAt: dateTime(),
  }),
  StorageList: list('StorageView'),
  StorageDeleted: obj({ name: str(), status: str({ enum: ['DELETING'] }) }),
};

/** `/v1/storage` in the OpenAPI document (assembled in openapi/openapi.parts.ts). */
export const STORAGE_OPENAPI: OpenApiPart = {
  schemas,
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
