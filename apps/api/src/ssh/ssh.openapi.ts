import type { OpenApiPart } from '../openapi/openapi-part';
import { bool, int, str } from '../openapi/schema-helpers';

/** The ssh WebSocket in the OpenAPI document (assembled in openapi/openapi.parts.ts). */
export const SSH_OPENAPI: OpenApiPart = {
  operations: [
    ['get', '/v1/clusters/{name}/ssh', {
      id: 'ssh',
      summary:
        'WebSocket: a login shell (or `command` through `sh -c`) on a node of the cluster. Binary frames carry data with a channel byte (0 stdin, 1 stdout, 2 stderr); text frames are JSON control (`resize`; `exit` with the code, `error`).',
      tag: 'clusters',
      params: [
        { name: 'name', in: 'path', required: true, schema: str() },
        { name: 'node', in: 'query', schema: int({ minimum: 0 }), description: 'Node rank (0: the head).' },
        { name: 'command', in: 'query', schema: str(), description: 'Run this and end with its exit code.' },
        { name: 'tty', in: 'query', schema: bool(), description: 'Allocate a terminal (default: for a shell).' },
        { name: 'cols', in: 'query', schema: int() },
        { name: 'rows', in: 'query', schema: int() },
      ],
      ok: { 101: null },
      errors: [400, 404, 409],
    }],
  ],
};
