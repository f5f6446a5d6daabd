import type { EventData, EventType, LaunchDemand, ManagedJobLaunchOptions, Placement, QueueName, QueuePayload, RequestPayload, StoredPlan } from '@skyport/contracts';
import type { TaskPolicyConfig } from '@skyport/config';
import type { JobGroupHeader, TaskSpec } from '@skyport/task-spec';

/**
 * The type of every shared JSON column, by `<table>.<column>` (as immich types its system metadata by key). Each
 * shape is defined once, in contracts or in the lib that owns it; the entities and raw-SQL readers take it from
 * here. Rows written before a field existed may lack it: readers of such fields keep their fallbacks.
 */
export interface StoredJson {
  'requests.payload': RequestPayload<TaskSpec>;
  'plans.plan': StoredPlan;
  /** The normalised task (secret values removed) a cluster was launched with, a job runs, a managed job's task is. */
  'clusters.task': TaskSpec;
  'jobs.task': TaskSpec;
  'managed_jobs.task': TaskSpec;
  'managed_jobs.launch_options': ManagedJobLaunchOptions<JobGroupHeader>;
  'managed_job_tasks.task': TaskSpec;
  'managed_job_tasks.placement': Placement;
  'launch_queue.demand': LaunchDemand;
  'team_policies.policy': TaskPolicyConfig;
  'outbox.payload': QueuePayload<QueueName>;
  /** By the event's type (EventDataMap). */
  'events.data': EventData<EventType>;
}
