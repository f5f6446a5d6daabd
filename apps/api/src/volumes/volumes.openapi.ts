import type { OpenApiPart, Schema } from '../openapi/openapi-part';
import { bool, obj, str } from '../openapi/schema-helpers';

const NAME = { name: 'name', in: 'path', required: true, description: 'Volume name.', schema: { type: 'string' } };

/** VolumeApply documents SkyPilot's volume document, which libs/task-spec reads (volume-spec.ts); the answers are zod schemas in libs/contracts (volume.dto.ts). */
const schemas: Record<string, Schema> = {
  VolumeApply: obj(
    {
      name: str({ pattern: '^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$' }),
      type: str({ enum: ['k8s-pvc'] }),
      infra: str({ description: "'k8s' or 'kubernetes/<context>'." }),
      size: { type: ['string', 'number'], description: "'10Gi', '500Mi', '1Ti', or a number of GiB." },
      use_existing: bool(),
      config: obj(
        { storage_class_name: str(), access_mode: str({ enum: ['ReadWriteOnce', 'ReadWriteOncePod', 'ReadWriteMany', 'ReadOnlyMany'] }), namespace: str() },
        ['storage_class_name', 'access_mode', 'namespace'],
        { additionalProperties: false },
      ),
    },
    ['type', 'infra', 'size', 'use_existing', 'config'],
    { additionalProperties: false, description: "SkyPilot's volume YAML (sky volumes apply), as JSON." },
  ),
};

/** `/v1/volumes` in the OpenAPI document (assembled in openapi/openapi.parts.ts). */
export const VOLUMES_OPENAPI: OpenApiPart = {
  schemas,
  operations: [
    ['post', '/v1/volumes', {
      id: 'applyVolume',
      summary: "Create a volume (a PersistentVolumeClaim in the team's namespace), or record an existing claim (use_existing); applying the same volume again answers 200.",
      tag: 'infra',
      body: 'VolumeApply',
      ok: { 201: 'VolumeView', 200: 'VolumeView' },
      errors: [400, 403, 404, 409, 413, 503],
    }],
    ['get', '/v1/volumes', { id: 'listVolumes', summary: "The caller's team's volumes, with the live clusters using each.", tag: 'infra', ok: { 200: 'VolumeList' } }],
    ['get', '/v1/volumes/{name}', { id: 'getVolume', summary: 'One volume.', tag: 'infra', params: [NAME], ok: { 200: 'VolumeView' }, errors: [404] }],
    ['delete', '/v1/volumes/{name}', {
      id: 'deleteVolume',
      summary: 'Delete a volume and its claim (an existing claim recorded with use_existing stays); refused while a live cluster uses it.',
      tag: 'infra',
      params: [NAME],
      ok: { 200: 'VolumeDeleted' },
      errors: [404, 409, 503],
    }],
  ],
};
