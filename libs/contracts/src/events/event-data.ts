import type { ManagedJobStatus } from '../states/managed-job-states';
import type { EventType, ManagedJobEventType } from './event-types';

// Type aliases, not interfaces: an event's data is also a plain JSON object (`Record<string, unknown>`) to its readers.

/** `data` of a managed job's status change; the event feed shows it to the job's owner by `managedJobId`. */
export type ManagedJobEventData = {
  managedJobId: number;
  status: ManagedJobStatus;
  /** The status it left (none at submit). */
  from?: ManagedJobStatus;
  team: string | null;
  /** At submit: how many tasks the job has. */
  tasks?: number;
  /** A job group's name, on the group's own moves. */
  jobGroup?: string;
  /** A pipeline's moves: the current task, its cluster and counters. */
  cluster?: string | null;
  task?: number;
  recoveryCount?: number;
  restartCount?: number;
};

/** `plan.created` / `plan.infeasible`: the stored plan and its table as printed. */
export type PlanEventData = {
  planId: string;
  table: string;
  capacityError?: string;
};

/** `provision.attempt`, `provision.retrying`, `provision.attempt_failed`: the candidate tried, and why it failed. */
export type ProvisionEventData = {
  candidateId: string;
  code?: string;
  /** The failure's `details.reason` (a word such as POLICY_DENIED), as the error carried it; null without one. */
  reason?: unknown;
};

/** `cluster.up`: where it came up, its nodes (as the launcher placed them) and the ports it published. */
export type ClusterUpEventData = {
  candidateId: string;
  nodes: readonly object[];
  /** Port → URL. */
  endpoints?: Record<number, string>;
};

/** `request.queued` (team quota) and `request.waiting` (capacity): the launch's place in line and why. */
export type RequestWaitEventData = {
  position?: number;
  reason?: string;
  /** Capacity waits: the contexts it waits for and the re-plan round. */
  contexts?: string[];
  waitRound?: number;
};

/**
 * The `data` each event type carries, by type (a type not listed carries free-form details, or none). Writers are
 * checked against it through recordEvent; readers narrow by the event's type.
 */
export type EventDataMap = { [T in ManagedJobEventType]: ManagedJobEventData } & {
  'plan.created': PlanEventData;
  'plan.infeasible': PlanEventData;
  'provision.attempt': ProvisionEventData;
  'provision.retrying': ProvisionEventData;
  'provision.attempt_failed': ProvisionEventData;
  'cluster.up': ClusterUpEventData;
  'request.queued': RequestWaitEventData;
  'request.waiting': RequestWaitEventData;
};

/** The `data` of an event of type `T`. */
export type EventData<T extends EventType> = T extends keyof EventDataMap ? EventDataMap[T] : Record<string, unknown>;
