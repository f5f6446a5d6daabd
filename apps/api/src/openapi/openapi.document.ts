import { REST_SCHEMAS } from '@skyport/contracts';
import { API_VERSION } from './version';
import { zodComponents } from './zod-components';
import { int, ref, str, type Schema } from './schema-helpers';
import type { OpenApiPart, Operation } from './openapi-part';
import { FEATURE_OPENAPI_PARTS } from './openapi.parts';

const ERROR_TEXT: Record<number, string> = {
  400: 'The request is not valid (bad JSON, bad field, bad name); the message says what to change.',
  401: 'No bearer token, or one that is unknown, revoked or expired.',
  403: 'The caller may not do this (role, or a namespace outside the team).',
  404: 'Not found, or not visible to the caller’s team.',
  409: 'Conflicts with the current state (e.g. the cluster is being launched or torn down; quota full with failFast).',
  413: 'The request body is larger than the limit.',
  422: 'The Idempotency-Key was used before for a different request.',
  429: 'Too many requests for this token; retry after Retry-After seconds.',
  503: 'A Skyport service the call needs did not answer.',
};

const pathParam = (name: string, description: string): Schema => ({ name, in: 'path', required: true, description, schema: str() });
const query = (name: string, schema: Schema, description: string): Schema => ({ name, in: 'query', required: false, description, schema });
const LIMIT = query('limit', int({ minimum: 1, maximum: 500 }), 'Page size (default 100).');
const CURSOR = query('cursor', str({ pattern: '^[A-Za-z0-9_-]{1,400}$' }), 'The nextCursor of the previous page.');
const IDEMPOTENCY = { name: 'Idempotency-Key', in: 'header', required: false, description: 'A retry with the same key and body gets the first answer again.', schema: str({ minLength: 1, maxLength: 200, pattern: '^[\\x21-\\x7e]+$' }) };
const CLUSTER = pathParam('name', 'Cluster name.');

const OPERATIONS: Operation[] = [
  ['get', '/healthz', { id: 'health', summary: 'Liveness and dependencies (Postgres, Redis).', tag: 'system', ok: { 200: 'HealthView' }, errors: [503], public: true }],
  ['get', '/metrics', { id: 'metrics', summary: 'Prometheus metrics.', tag: 'system', ok: { 200: 'text/plain' }, public: true }],
  ['get', '/v1/openapi.json', { id: 'openapi', summary: 'This document.', tag: 'system', ok: { 200: 'object' }, public: true }],
  ['get', '/v1/info', { id: 'info', summary: 'Server version, auth mode and the caller.', tag: 'system', ok: { 200: 'InfoView' } }],
  ['get', '/v1/check', { id: 'check', summary: 'What Skyport can launch on: Kubernetes contexts (live, from the provisioner) and cloud catalogs.', tag: 'infra', ok: { 200: 'CheckView' } }],
  [
    'get',
    '/v1/gpus',
    {
      id: 'gpus',
      summary: 'GPUs: free and total per Kubernetes context and model; cloud offerings from the catalogs.',
      tag: 'infra',
      params: [query('name', str(), 'Only this accelerator (e.g. A100).'), query('cloud', str(), 'Only this cloud (`kubernetes`: no clouds).'), query('infra', str(), 'Same as cloud.')],
      ok: { 200: 'GpusView' },
      errors: [400],
    },
  ],
  [
    'post',
    '/v1/clusters/{name}/launch',
    {
      id: 'launch',
      summary: 'Launch a task on a cluster (created if needed). 202 at once; waits in the team queue when its quota is full. `dryrun` answers 200 with the plan.',
      tag: 'clusters',
      params: [CLUSTER, IDEMPOTENCY],
      body: 'LaunchRequestBody',
      ok: { 202: 'LaunchAccepted', 200: 'DryrunPlan' },
      errors: [400, 403, 404, 409, 413, 422, 503],
      idempotent: true,
    },
  ],
  [
    'post',
    '/v1/clusters/{name}/exec',
    {
      id: 'exec',
      summary: 'Queue a job on a running cluster. It runs beside the running jobs while its resources fit, in submission order otherwise; 409 when no node of the cluster could hold it.',
      tag: 'clusters',
      params: [CLUSTER, IDEMPOTENCY],
      body: 'LaunchRequestBody',
      ok: { 202: 'LaunchAccepted' },
      errors: [400, 403, 404, 409, 413, 422],
      idempotent: true,
    },
  ],
  [
    'get',
    '/v1/clusters',
    {
      id: 'listClusters',
      summary: 'Clusters the caller may see, by name.',
      tag: 'clusters',
      params: [
        query('status', str(), 'Comma-separated statuses (INIT,PROVISIONING,UP,TEARING_DOWN,TERMINATED,FAILED).'),
        query('owner', str(), 'Owner user name.'),
        query('team', str(), 'Owner team.'),
        query('name', str(), 'Name prefix.'),
        query('all', str({ enum: ['true', 'false', '1', '0'] }), 'Include terminated clusters.'),
        LIMIT,
        CURSOR,
      ],
      ok: { 200: 'ClusterPage' },
      errors: [400],
    },
  ],
  ['get', '/v1/clusters/{name}', { id: 'getCluster', summary: 'One cluster with jobs, placement attempts, plan, nodes and latest events (`status -v`).', tag: 'clusters', params: [CLUSTER], ok: { 200: 'ClusterDetail' }, errors: [404] }],
  [
    'get',
    '/v1/clusters/{name}/jobs',
    { id: 'listJobs', summary: 'Jobs of a cluster, newest first.', tag: 'jobs', params: [CLUSTER, query('status', str(), 'Comma-separated job statuses.'), LIMIT, CURSOR], ok: { 200: 'JobPage' }, errors: [400, 404] },
  ],
  [
    'post',
    '/v1/clusters/{name}/jobs/cancel',
    { id: 'cancelJobs', summary: 'Cancel jobs (the provisioner stops them).', tag: 'jobs', params: [CLUSTER, IDEMPOTENCY], body: 'CancelBody', ok: { 202: 'CancelAccepted' }, errors: [400, 404, 409, 413, 422], idempotent: true },
  ],
  [
    'post',
    '/v1/clusters/{name}/down',
    { id: 'down', summary: 'Tear a cluster down (or take its launch out of the queue).', tag: 'clusters', params: [CLUSTER, IDEMPOTENCY], body: 'DownBody', optionalBody: true, ok: { 202: 'DownAccepted' }, errors: [400, 404, 409, 413, 422], idempotent: true },
  ],
  [
    'post',
    '/v1/clusters/{name}/stop',
    {
      id: 'stop',
      summary: "Stop a cloud VM cluster: its VMs are stopped, not terminated (disks kept, compute not billed); unfinished jobs end (running FAILED, queued CANCELLED). 409 for a Kubernetes cluster (it cannot stop) or one that is not UP.",
      tag: 'clusters',
      params: [CLUSTER, IDEMPOTENCY],
      ok: { 202: 'PowerAccepted' },
      errors: [404, 409, 422],
      idempotent: true,
    },
  ],
  [
    'post',
    '/v1/clusters/{name}/start',
    {
      id: 'start',
      summary: 'Start a STOPPED cluster: its VMs run again, their new addresses are recorded, SSH is re-checked, then it is UP. 409 for a cluster that is not STOPPED.',
      tag: 'clusters',
      params: [CLUSTER, IDEMPOTENCY],
      ok: { 202: 'PowerAccepted' },
      errors: [404, 409, 422],
      idempotent: true,
    },
  ],
  ['get', '/v1/clusters/{name}/endpoints', { id: 'endpoints', summary: 'Ports of a cluster and their addresses once published.', tag: 'clusters', params: [CLUSTER], ok: { 200: 'Endpoints' }, errors: [404] }],
  ['get', '/v1/cost-report', { id: 'costReport', summary: 'Cost per cluster, running and ended.', tag: 'clusters', params: [LIMIT, CURSOR], ok: { 200: 'CostReport' }, errors: [400] }],
  [
    'get',
    '/v1/clusters/{name}/jobs/{job}/logs',
    {
      id: 'jobLogs',
      summary: 'A job’s output as Server-Sent Events (`follow=1` until it ends; resume with Last-Event-ID); `event: end` carries its final status.',
      tag: 'jobs',
      params: [
        CLUSTER,
        pathParam('job', 'Job id, or `latest`.'),
        query('follow', str({ enum: ['0', '1', 'true', 'false'] }), 'Keep streaming while the job runs.'),
        query('tail', int({ minimum: 0, maximum: 1000000 }), 'Only the last N lines (0: all).'),
        query('stream', str({ enum: ['job', 'setup', 'provision'] }), 'Which output.'),
        query('after', str({ pattern: '^[0-9]+$' }), 'Resume after this line sequence number.'),
      ],
      ok: { 200: 'text/event-stream' },
      errors: [400, 404, 503],
    },
  ],
  ['get', '/v1/requests/{id}', { id: 'getRequest', summary: 'A request with its timeline (and queue position while queued).', tag: 'requests', params: [pathParam('id', 'Request id.')], ok: { 200: 'RequestView' }, errors: [404] }],
  [
    'get',
    '/v1/requests/{id}/events',
    {
      id: 'requestEvents',
      summary: 'A request’s events as Server-Sent Events; `follow=1` streams until it ends.',
      tag: 'requests',
      params: [pathParam('id', 'Request id.'), query('follow', str({ enum: ['0', '1', 'true', 'false'] }), 'Keep streaming.'), query('after', str({ pattern: '^[0-9]+$' }), 'Resume after this event id.')],
      ok: { 200: 'text/event-stream' },
      errors: [404],
    },
  ],
  [
    'get',
    '/v1/events',
    {
      id: 'events',
      summary: 'Request, cluster and job transitions the caller may see, as Server-Sent Events, resumable (`since`, or Last-Event-ID) without gaps.',
      tag: 'events',
      params: [
        query('since', str({ pattern: '^[0-9]{1,18}$' }), 'Start after this event id (0: from the beginning; absent: from now).'),
        query('follow', str({ enum: ['0', '1', 'true', 'false'] }), 'Keep streaming (default) or end after what exists.'),
        query('types', str(), 'Comma-separated event type prefixes.'),
      ],
      ok: { 200: 'text/event-stream' },
      errors: [400],
    },
  ],
  ['get', '/v1/queue', { id: 'queue', summary: 'Launches waiting for their team quota, with position and reason.', tag: 'queue', ok: { 200: 'QueueList' } }],
  ['get', '/v1/whoami', { id: 'whoami', summary: 'The caller.', tag: 'identity', ok: { 200: 'Principal' } }],
  ['get', '/v1/users', { id: 'listUsers', summary: 'Users (a user sees their team).', tag: 'identity', ok: { 200: 'UserList' } }],
  ['post', '/v1/users', { id: 'createUser', summary: 'Create a user or service account (admin).', tag: 'identity', params: [IDEMPOTENCY], body: 'UserCreate', ok: { 201: 'UserView' }, errors: [400, 403, 404, 409, 413, 422], idempotent: true }],
  ['patch', '/v1/users/{user}', { id: 'updateUser', summary: 'Change role, team or disable (admin).', tag: 'identity', params: [pathParam('user', 'User name or id.')], body: 'UserPatch', ok: { 200: 'UserView' }, errors: [400, 403, 404, 413] }],
  ['get', '/v1/teams', { id: 'listTeams', summary: 'Teams (a user sees theirs).', tag: 'identity', ok: { 200: 'TeamList' } }],
  ['post', '/v1/teams', { id: 'createTeam', summary: 'Create a team (admin).', tag: 'identity', params: [IDEMPOTENCY], body: 'TeamCreate', ok: { 201: 'TeamView' }, errors: [400, 403, 409, 413, 422], idempotent: true }],
  ['get', '/v1/teams/{team}', { id: 'getTeam', summary: 'A team with namespaces and quota.', tag: 'identity', params: [pathParam('team', 'Team name.')], ok: { 200: 'TeamView' }, errors: [404] }],
  [
    'put',
    '/v1/teams/{team}/namespaces',
    { id: 'setNamespaces', summary: 'Replace the team’s namespaces per context (admin).', tag: 'identity', params: [pathParam('team', 'Team name.')], body: 'NamespacesBody', ok: { 200: 'TeamView' }, errors: [400, 403, 404, 413] },
  ],
  ['put', '/v1/teams/{team}/quota', { id: 'setQuota', summary: 'Set the team’s quota (admin).', tag: 'queue', params: [pathParam('team', 'Team name.')], body: 'QuotaBody', ok: { 200: 'TeamView' }, errors: [400, 403, 404, 413] }],
  ['get', '/v1/tokens', { id: 'listTokens', summary: 'The caller’s tokens (admins: all, or `user`’s).', tag: 'identity', params: [query('user', str(), 'Admins: this user’s tokens.')], ok: { 200: 'TokenList' }, errors: [404] }],
  [
    'post',
    '/v1/tokens',
    { id: 'createToken', summary: 'Create a bearer token; shown once.', tag: 'identity', params: [IDEMPOTENCY], body: 'TokenCreate', ok: { 201: 'TokenCreated' }, errors: [400, 403, 404, 409, 413, 422], idempotent: true },
  ],
  ['delete', '/v1/tokens/{id}', { id: 'revokeToken', summary: 'Revoke a token (its owner or an admin).', tag: 'identity', params: [pathParam('id', 'Token id.')], ok: { 200: 'TokenView' }, errors: [404] }],
  [
    'get',
    '/v1/audit',
    {
      id: 'audit',
      summary: 'Every mutating call, newest first (admin).',
      tag: 'identity',
      params: [query('actor', str(), 'User name.'), query('result', str(), '`ok` or an error code.'), query('since', str({ format: 'date-time' }), 'From this time.'), LIMIT, CURSOR],
      ok: { 200: 'AuditPage' },
      errors: [400, 403],
    },
  ],
  ['get', '/v1/webhooks', { id: 'listWebhooks', summary: 'The team’s webhooks.', tag: 'events', ok: { 200: 'WebhookList' } }],
  [
    'post',
    '/v1/webhooks',
    { id: 'createWebhook', summary: 'Send the team’s events to a URL, HMAC-signed; the secret is shown once.', tag: 'events', params: [IDEMPOTENCY], body: 'WebhookCreate', ok: { 201: 'WebhookCreated' }, errors: [400, 403, 404, 409, 413, 422], idempotent: true },
  ],
  ['delete', '/v1/webhooks/{id}', { id: 'deleteWebhook', summary: 'Stop a webhook.', tag: 'events', params: [pathParam('id', 'Webhook id.')], ok: { 200: 'WebhookView' }, errors: [404] }],
  [
    'get',
    '/v1/webhooks/{id}/deliveries',
    {
      id: 'webhookDeliveries',
      summary: 'Delivery log, newest first.',
      tag: 'events',
      params: [pathParam('id', 'Webhook id.'), query('state', str({ enum: ['pending', 'delivered', 'failed'] }), 'Only this state.'), LIMIT, CURSOR],
      ok: { 200: 'DeliveryPage' },
      errors: [400, 404],
    },
  ],
];

function response(status: number, schema: string | null): Schema {
  if (schema === null) return { description: 'No content.' };
  if (schema === 'text/event-stream') return { description: 'Server-Sent Events: `id`, `event` (the type) and `data` (an EventView as JSON).', content: { 'text/event-stream': { schema: str() } } };
  if (schema === 'text/plain') return { description: 'Plain text (Prometheus text format for /metrics).', content: { 'text/plain': { schema: str() } } };
  if (schema === 'object') return { description: 'OK', content: { 'application/json': { schema: { type: 'object' } } } };
  return { description: status === 202 ? 'Accepted' : status === 201 ? 'Created' : 'OK', content: { 'application/json': { schema: ref(schema) } } };
}

function errorResponse(status: number): Schema {
  const body = { description: ERROR_TEXT[status] ?? 'Error.', content: { 'application/json': { schema: ref('ErrorBody') } } };
  if (status === 429) return { ...body, headers: { 'Retry-After': { description: 'Seconds to wait.', schema: int() } } };
  if (status === 401) return { ...body, headers: { 'WWW-Authenticate': { schema: str() } } };
  return body;
}

/** The core operations (above) and every feature's part, in one list. */
const PARTS: OpenApiPart[] = [{ operations: OPERATIONS }, ...FEATURE_OPENAPI_PARTS];

/** Every part's schemas and those generated from the contracts' zod schemas; a name given twice is a mistake. */
function componentSchemas(): Record<string, Schema> {
  const all: Record<string, Schema> = {};
  for (const schemas of [...PARTS.map((part) => part.schemas ?? {}), zodComponents(REST_SCHEMAS)]) {
    const twice = Object.keys(schemas).filter((name) => name in all);
    if (twice.length) throw new Error(`OpenAPI schemas declared twice: ${twice.join(', ')}`);
    Object.assign(all, schemas);
  }
  return all;
}

/** The OpenAPI 3.1 document of the api: every operation, its answers and its errors (`{code, message, details}`). */
export function buildOpenApiDocument(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [method, path, spec] of PARTS.flatMap((part) => part.operations)) {
    const responses: Record<string, unknown> = {};
    for (const [status, schema] of Object.entries(spec.ok)) responses[status] = response(Number(status), schema);
    const errors = new Set([...(spec.errors ?? []), ...(spec.public ? [] : [401, 429])]);
    for (const status of [...errors].sort()) responses[String(status)] = errorResponse(status);
    responses.default = { description: 'Any other error, in the same shape.', content: { 'application/json': { schema: ref('ErrorBody') } } };
    paths[path] ??= {};
    paths[path][method] = {
      operationId: spec.id,
      summary: spec.summary,
      tags: [spec.tag],
      ...(spec.params?.length ? { parameters: spec.params } : {}),
      ...(spec.body || spec.rawBody
        ? {
            requestBody: {
              required: spec.rawBody ? true : !spec.optionalBody,
              content: {
                ...(spec.body ? { 'application/json': { schema: ref(spec.body) } } : {}),
                ...Object.fromEntries(Object.entries(spec.rawBody ?? {}).map(([type, schema]) => [type, { schema }])),
              },
            },
          }
        : {}),
      responses,
      ...(spec.public ? { security: [] } : {}),
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Skyport API',
      version: API_VERSION,
      description:
        'Runs SkyPilot-style tasks on your Kubernetes clusters and bursts elsewhere. Authenticate with `Authorization: Bearer <token>`. ' +
        'Errors are `{code, message, details}`. POSTs accept `Idempotency-Key`. Lists page with `limit` and `cursor`. Rate limits answer 429 with Retry-After.',
    },
    servers: [{ url: '/' }],
    security: [{ bearerAuth: [] }],
    tags: ['clusters', 'jobs', 'requests', 'events', 'queue', 'identity', 'infra', 'blobs', 'system'].map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', description: 'A Skyport token (`skp_...`).' } },
      schemas: componentSchemas(),
    },
  };
}

