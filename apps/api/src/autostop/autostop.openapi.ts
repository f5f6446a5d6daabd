import type { OpenApiPart } from '../openapi/openapi-part';
import { str } from '../openapi/schema-helpers';

/** `POST /v1/clusters/:name/autostop` in the OpenAPI document (assembled in openapi/openapi.parts.ts). */
export const AUTOSTOP_OPENAPI: OpenApiPart = {
  operations: [
    ['post', '/v1/clusters/{name}/autostop', {
      id: 'setAutostop',
      summary: 'After N idle minutes (no queued or running job, no open ssh session) stop the cluster (a cloud VM cluster) or, with down (and always on Kubernetes, which cannot stop), tear it down; -1 turns it off.',
      tag: 'clusters',
      params: [{ name: 'name', in: 'path', required: true, schema: str() }],
      body: 'AutostopBody',
      ok: { 200: 'AutostopAnswer' },
      errors: [400, 404, 409],
    }],
  ],
};
