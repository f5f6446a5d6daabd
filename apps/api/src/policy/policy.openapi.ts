import { TASK_POLICY_SCHEMA } from '@skyport/config';
import type { OpenApiPart, Schema } from '../openapi/openapi-part';

const policy = { type: 'object', properties: TASK_POLICY_SCHEMA.properties, additionalProperties: false } as const;
const TEAM = { name: 'team', in: 'path', required: true, description: 'Team name.', schema: { type: 'string' } };

const schemas: Record<string, Schema> = {
  TaskPolicy: { ...policy, description: "What tasks may ask of Kubernetes (the config file's `policy:` keys)." },
  MyPolicyView: {
    type: 'object',
    properties: { team: { type: ['string', 'null'] }, tenancy: { type: 'boolean' }, policy: { $ref: '#/components/schemas/TaskPolicy' } },
    required: ['team', 'tenancy', 'policy'],
  },
  TeamPolicyView: {
    type: 'object',
    properties: { team: { type: 'string' }, policy: { $ref: '#/components/schemas/TaskPolicy' }, effective: { $ref: '#/components/schemas/TaskPolicy' } },
    required: ['team', 'policy', 'effective'],
  },
};

/** The task policy endpoints in the OpenAPI document (assembled in openapi/openapi.parts.ts). */
export const POLICY_OPENAPI: OpenApiPart = {
  schemas,
  operations: [
    ['get', '/v1/policy', { id: 'myPolicy', summary: "The task policy the caller's launches are checked against.", tag: 'identity', ok: { 200: 'MyPolicyView' } }],
    ['get', '/v1/teams/{team}/policy', { id: 'getTeamPolicy', summary: "A team's task policy and the policy in force (admin).", tag: 'identity', params: [TEAM], ok: { 200: 'TeamPolicyView' }, errors: [403, 404] }],
    ['put', '/v1/teams/{team}/policy', {
      id: 'setTeamPolicy',
      summary: "Replace a team's task policy (admin); absent keys fall back to the server config file's.",
      tag: 'identity',
      params: [TEAM],
      body: 'TaskPolicy',
      ok: { 200: 'TeamPolicyView' },
      errors: [400, 403, 404, 413],
    }],
    ['delete', '/v1/teams/{team}/policy', { id: 'clearTeamPolicy', summary: "Remove a team's policy: the config file's applies (admin).", tag: 'identity', params: [TEAM], ok: { 200: 'TeamPolicyView' }, errors: [403, 404] }],
  ],
};
