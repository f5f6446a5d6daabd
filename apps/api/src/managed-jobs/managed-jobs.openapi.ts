import type { OpenApiPart } from '../openapi/openapi-part';

const ID = { name: 'id', in: 'path', required: true, description: 'Managed job id.', schema: { type: 'integer' } };

/**
 * `/v1/jobs` (managed jobs) in the OpenAPI document (assembled in openapi/openapi.parts.ts); the bodies and answers
 * are zod schemas in libs/contracts (managed-job.dto.ts, lists.dto.ts), generated from REST_SCHEMAS.
 */
export const MANAGED_JOBS_OPENAPI: OpenApiPart = {
  operations: [
    ['post', '/v1/jobs', {
      id: 'launchManagedJob',
      summary: 'Submit a managed job (a launch body: task, overrides, envs, secrets; or a pipeline: tasks run in order): PENDING, then launched, recovered and torn down by the controller.',
      tag: 'jobs',
      body: 'ManagedJobBody',
      ok: { 202: 'ManagedJobAccepted' },
      errors: [400, 403, 409, 413],
    }],
    ['get', '/v1/jobs', { id: 'listManagedJobs', summary: "The caller's team's managed jobs, newest first.", tag: 'jobs', ok: { 200: 'ManagedJobList' } }],
    ['get', '/v1/jobs/{id}', { id: 'getManagedJob', summary: 'One managed job.', tag: 'jobs', params: [ID], ok: { 200: 'ManagedJobView' }, errors: [400, 404] }],
    ['get', '/v1/jobs/{id}/controller-log', {
      id: 'managedJobControllerLog',
      summary: "What the controller did with the job and what happened to its clusters: their events, oldest first, one line each ('<time> <type> [<cluster>] <message>').",
      tag: 'jobs',
      params: [ID],
      ok: { 200: 'text/plain' },
      errors: [400, 404],
    }],
    ['post', '/v1/jobs/{id}/cancel', { id: 'cancelManagedJob', summary: 'Cancel a managed job: CANCELLING, then CANCELLED once its cluster is torn down.', tag: 'jobs', params: [ID], ok: { 202: 'ManagedJobsCancelled' }, errors: [400, 404] }],
    ['post', '/v1/jobs/cancel', { id: 'cancelManagedJobs', summary: 'Cancel managed jobs by id, or all of the caller’s visible unfinished ones ({"all": true}).', tag: 'jobs', body: 'ManagedJobsCancelBody', ok: { 202: 'ManagedJobsCancelled' }, errors: [400, 404] }],
  ],
};
