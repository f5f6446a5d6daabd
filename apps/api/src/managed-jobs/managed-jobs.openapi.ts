import { ManagedJobStatus } from '@skyport/contracts';
import { addOpenApiOperation } from '../openapi/openapi.document';
import { SCHEMAS } from '../openapi/openapi.schemas';
import { arr, bool, dateTime, int, list, nullable, obj, str } from '../openapi/schema-helpers';

const STATUS = str({ enum: Object.values(ManagedJobStatus) });

Object.assign(SCHEMAS, {
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
  }),
  ManagedJobList: list('ManagedJobView'),
  ManagedJobAccepted: obj({ id: int(), name: nullable(str()), status: STATUS }),
  ManagedJobsCancelled: obj({ cancelled: arr(int()) }),
  ManagedJobsCancelBody: obj({ ids: arr(int()), all: bool() }, ['ids', 'all']),
});

const ID = { name: 'id', in: 'path', required: true, description: 'Managed job id.', schema: { type: 'integer' } };

addOpenApiOperation('post', '/v1/jobs', {
  id: 'launchManagedJob',
  summary: 'Submit a managed job (a launch body: task, overrides, envs, secrets): PENDING, then launched, recovered and torn down by the controller.',
  tag: 'jobs',
  body: 'LaunchRequestBody',
  ok: { 202: 'ManagedJobAccepted' },
  errors: [400, 403, 409, 413],
});
addOpenApiOperation('get', '/v1/jobs', { id: 'listManagedJobs', summary: "The caller's team's managed jobs, newest first.", tag: 'jobs', ok: { 200: 'ManagedJobList' } });
addOpenApiOperation('get', '/v1/jobs/{id}', { id: 'getManagedJob', summary: 'One managed job.', tag: 'jobs', params: [ID], ok: { 200: 'ManagedJobView' }, errors: [400, 404] });
addOpenApiOperation('post', '/v1/jobs/{id}/cancel', { id: 'cancelManagedJob', summary: 'Cancel a managed job: CANCELLING, then CANCELLED once its cluster is torn down.', tag: 'jobs', params: [ID], ok: { 202: 'ManagedJobsCancelled' }, errors: [400, 404] });
addOpenApiOperation('post', '/v1/jobs/cancel', { id: 'cancelManagedJobs', summary: 'Cancel managed jobs by id, or all of the caller’s visible unfinished ones ({"all": true}).', tag: 'jobs', body: 'ManagedJobsCancelBody', ok: { 202: 'ManagedJobsCancelled' }, errors: [400, 404] });
