import { ClusterStatus, ErrorCode, JobStatus, RequestKind, RequestStatus } from '@skyport/contracts';
import { arr, bool, dateTime, int, map, nullable, num, obj, page, list, ref, str, type Schema } from './schema-helpers';

const requestKinds = [...Object.values(RequestKind), 'cancel'];

/**
 * The schemas not yet declared with zod in libs/contracts (those are generated from REST_SCHEMAS, see
 * openapi.document.ts); names match the TypeScript types in libs/contracts.
 */
export const SCHEMAS: Record<string, Schema> = {
  ErrorBody: obj(
    {
      code: str({ enum: Object.values(ErrorCode), description: 'For programs.' }),
      message: str({ description: 'For people: what went wrong and what to do.' }),
      details: { type: 'object', additionalProperties: true },
    },
    ['details'],
  ),
  QueuedInfo: obj({ position: int({ minimum: 1 }), reason: nullable(str()) }),
  DryrunPlan: obj({ dryrun: { type: 'boolean', const: true }, plan: { type: 'object', additionalProperties: true, description: 'The optimizer PlanResponse.' } }),
  EventView: obj(
    {
      id: str({ pattern: '^[0-9]+$', description: 'Monotonic: resume a stream after it.' }),
      at: dateTime(),
      type: str(),
      message: str(),
      requestId: str(),
      clusterName: str(),
      jobId: int(),
      data: { type: 'object', additionalProperties: true },
    },
    ['requestId', 'clusterName', 'jobId', 'data'],
  ),
  RequestView: obj(
    {
      requestId: str({ format: 'uuid' }),
      kind: str({ enum: requestKinds }),
      status: str({ enum: Object.values(RequestStatus) }),
      clusterName: str(),
      jobId: int(),
      createdAt: dateTime(),
      updatedAt: dateTime(),
      error: obj({ code: str(), message: str() }),
      events: arr(ref('EventView')),
      queue: ref('QueuedInfo'),
    },
    ['jobId', 'error', 'queue'],
  ),
  ClusterSummary: obj(
    {
      name: str(),
      status: str({ enum: Object.values(ClusterStatus) }),
      infra: str(),
      namespace: str(),
      instanceType: str(),
      numNodes: int(),
      resources: str(),
      createdAt: dateTime(),
      updatedAt: dateTime(),
      autostop: obj({ idleMinutes: num(), down: bool() }),
      statusReason: str(),
      owner: nullable(str()),
      team: nullable(str()),
      requestId: str(),
      queued: ref('QueuedInfo'),
    },
    ['infra', 'namespace', 'instanceType', 'resources', 'autostop', 'statusReason', 'requestId', 'queued'],
  ),
  JobView: obj(
    {
      clusterName: str(),
      jobId: int(),
      name: str(),
      status: str({ enum: Object.values(JobStatus) }),
      submittedAt: dateTime(),
      startedAt: dateTime(),
      endedAt: dateTime(),
      exitCodes: arr(int()),
      resources: str({ description: "What the job holds on each node, as SkyPilot's RESOURCES column: `1x[CPU:0.5]`, `2x[CPU:2, A100:1]`." }),
    },
    ['name', 'startedAt', 'endedAt', 'exitCodes', 'resources'],
  ),
  AttemptView: obj({ candidateId: str(), outcome: str(), reason: str(), startedAt: dateTime(), endedAt: dateTime() }, ['reason', 'endedAt']),
  PlanSummary: obj(
    {
      planId: str(),
      createdAt: dateTime(),
      numNodes: int(),
      chosen: obj({ candidateId: str(), instanceType: str(), hourlyPrice: num(), totalHourlyPrice: num(), namespace: str() }, ['namespace']),
      candidates: arr(obj({ candidateId: str(), feasible: bool(), reason: str(), totalHourlyPrice: num() }, ['reason'])),
    },
    ['chosen'],
  ),
  ClusterDetail: {
    allOf: [
      ref('ClusterSummary'),
      obj(
        {
          jobs: obj({ total: int(), byStatus: map(int()), latest: arr(ref('JobView')) }),
          attempts: arr(ref('AttemptView')),
          plan: ref('PlanSummary'),
          nodes: arr({ type: 'object', additionalProperties: true }),
          events: arr(ref('EventView')),
        },
        ['plan'],
      ),
    ],
  },
  ClusterPage: page('ClusterSummary'),
  JobPage: page('JobView'),
  Endpoints: { ...map(str()), description: 'Port → address; ports whose address is not published yet are absent.' },
  CostReport: obj(
    {
      items: arr(
        obj(
          {
            clusterName: str(),
            status: str(),
            infra: str(),
            owner: nullable(str()),
            team: nullable(str()),
            launchedAt: dateTime(),
            endedAt: dateTime(),
            durationSeconds: int(),
            hourlyPrice: num(),
            totalCost: num(),
          },
          ['infra', 'endedAt'],
        ),
      ),
      totalCost: num(),
      nextCursor: str(),
    },
    ['nextCursor'],
  ),
  UserList: list('UserView'),
  TeamList: list('TeamView'),
  TokenList: list('TokenView'),
  AuditPage: page('AuditView'),
  QueueList: list('QueueEntryView'),
  WebhookList: list('WebhookView'),
  DeliveryPage: page('DeliveryView'),
  HealthView: obj({ ok: bool(), checks: map(str()) }),
};
