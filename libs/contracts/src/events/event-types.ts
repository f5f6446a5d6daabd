import { ManagedJobStatus } from '../states/managed-job-states';
import { ClusterStatus, JobStatus, RequestStatus } from '../states/states';

/**
 * Events that are not a value of their subject's status column: steps on the way (`request.queued`) and facts
 * (`cluster.autostop`). A new event type is added here, or it does not type-check where it is recorded.
 */
const MILESTONES = {
  request: ['accepted', 'queued', 'admitted', 'waiting', 'redriven'],
  plan: ['created', 'infeasible'],
  provision: ['attempt', 'attempt_failed', 'retrying'],
  cluster: ['started', 'cleaned_up', 'autostop', 'autodown'],
  job: ['cancel_requested', 'files_synced'],
  reaper: ['deleted'],
} as const;
type Milestones = typeof MILESTONES;
type MilestoneEventType = { [S in keyof Milestones]: `${S}.${Milestones[S][number]}` }[keyof Milestones];

export type RequestEventType = `request.${Lowercase<RequestStatus>}`;
export type ClusterEventType = `cluster.${Lowercase<ClusterStatus>}`;
export type JobEventType = `job.${Lowercase<JobStatus>}`;
export type ManagedJobEventType = `managed_job.${Lowercase<ManagedJobStatus>}`;

/**
 * The `type` of an event (`events.type`, `/v1/events`, webhooks): `<subject>.<what>`, lowercase. A status change
 * is its new status (`job.running`, `managed_job.recovering`); derive it with the functions below, never by hand.
 */
export type EventType = RequestEventType | ClusterEventType | JobEventType | ManagedJobEventType | MilestoneEventType;

function statusEventType<P extends string, S extends string>(subject: P, status: S): `${P}.${Lowercase<S>}` {
  return `${subject}.${status.toLowerCase() as Lowercase<S>}`;
}

/** `request.succeeded`, ... */
export const requestEventType = <S extends RequestStatus>(status: S) => statusEventType('request', status);
/** `cluster.up`, ... */
export const clusterEventType = <S extends ClusterStatus>(status: S) => statusEventType('cluster', status);
/** `job.running`, ... */
export const jobEventType = <S extends JobStatus>(status: S) => statusEventType('job', status);
/** `managed_job.running`, ... */
export const managedJobEventType = <S extends ManagedJobStatus>(status: S) => statusEventType('managed_job', status);

/** Every event type there is, in a stable order (subjects, then their values). */
export const EVENT_TYPES: readonly EventType[] = [
  ...Object.values(RequestStatus).map(requestEventType),
  ...Object.values(ClusterStatus).map(clusterEventType),
  ...Object.values(JobStatus).map(jobEventType),
  ...Object.values(ManagedJobStatus).map(managedJobEventType),
  ...Object.entries(MILESTONES).flatMap(([subject, whats]) => whats.map((what) => `${subject}.${what}` as MilestoneEventType)),
];

const KNOWN: ReadonlySet<string> = new Set(EVENT_TYPES);
export function isEventType(value: string): value is EventType {
  return KNOWN.has(value);
}

const JOB_STATUS_BY_TYPE: ReadonlyMap<string, JobStatus> = new Map(Object.values(JobStatus).map((s) => [jobEventType(s), s]));

/** The job status an event type announces (`job.running` → RUNNING); undefined for any other type. */
export function jobStatusOfEventType(type: string): JobStatus | undefined {
  return JOB_STATUS_BY_TYPE.get(type);
}
