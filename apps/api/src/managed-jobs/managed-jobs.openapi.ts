import { ManagedJobStatus } from '@skyport/contracts';
import type { OpenApiPart, Schema } from '../openapi/openapi-part';
import { arr, bool, dateTime, int, list, nullable, num, obj, ref, str } from '../openapi/schema-helpers';

const STATUS = str({ enum: Object.values(ManagedJobStatus) });

const schemas: Record<string, Schema> = {
  ManagedJobView: obj({
    id: int(),
    name: nullable(str()),
    status: STATUS,
    owner: str(),
    team: nullable(str()),
    recoveryCount: int({ description: 'Relaunches after the cluster was lost.' }),
    restartCount: int({ description: 'Relaunches after the user code failed (max_restarts_on_errors).' }),
    cluster: nullable(str({ description: 'The cluster the job runs on now.' })),
    clusterJobId: nullable(int()),
    taskId: str({ description: 'SKYPILOT_TASK_ID, the same on every recovery.' }),
    recovery: obj({ strategy: str(), maxRestartsOnErrors: int(), recoverOnExitCodes: arr(int()) }),
    failureReason: nullable(str()),
    submittedAt: dateTime(),
    startedAt: nullable(dateTime()),
    endedAt: nullable(dateTime()),
    currentTask: int({ description: 'The pipeline task running now (0-based).' }),
    tasks: arr(ref('ManagedJobTaskView')),
    execution: str({ enum: ['serial', 'parallel'], description: 'serial: the tasks run in order (a pipeline); parallel: a job group, all tasks at once.' }),
    cost: num({ description: 'Dollars so far over all its clusters, as the cost report prices them.' }),
  }),
  ManagedJobTaskView: obj({
    index: int(),
    name: nullable(str()),
    status: STATUS,
    taskId: str({ description: "SKYPILOT_TASK_ID of this task; SKYPILOT_TASK_IDS lists every task's, newline-joined." }),
    cluster: nullable(str()),
    clusterJobId: nullable(int()),
    recoveryCount: int(),
    restartCount: int(),
    failureReason: nullable(str()),
    startedAt: nullable(dateTime()),
    endedAt: nullable(dateTime()),
  }),
  ManagedJobBody: {
    description: "A launch body (LaunchRequestBody; 'task' may be a multi-document YAML pipeline), or 'tasks' run in order with 'name' naming the pipeline.",
    type: 'object',
    properties: {
      task: { oneOf: [str(), { type: 'object' }] },
      tasks: { type: 'array', items: { oneOf: [str(), { type: 'object' }] }, minItems: 1 },
      name: str(),
      header: { type: 'object', description: "With 'tasks': the file's header document (name, execution: parallel for a job group, primary_tasks, termination_delay)." },
      overrides: { type: 'object' },
      envs: { type: 'object', additionalProperties: str() },
      secrets: { type: 'object', additionalProperties: str() },
      noBurst: bool(),
      retryUntilUp: bool(),
      priority: int(),
      failFast: bool(),
    },
    additionalProperties: false,
  },
  ManagedJobList: list('ManagedJobView'),
  ManagedJobAccepted: obj({ id: int(), name: nullable(str()), status: STATUS }),
  ManagedJobsCancelled: obj({ cancelled: arr(int()) }),
  ManagedJobsCancelBody: obj({ ids: arr(int()), all: bool() }, ['ids', 'all']),
};

const ID = { name: 'id', in: 'path', required: true, description: 'Managed job id.', schema: { type: 'integer' } };

/** `/v1/jobs` (managed jobs) in the OpenAPI document (assembled in openapi/openapi.parts.ts). */
export const MANAGED_JOBS_OPENAPI: OpenApiPart = {
  schemas,
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
