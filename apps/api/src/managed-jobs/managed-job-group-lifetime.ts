import { ManagedJobStatus, TERMINAL_MANAGED_JOB_STATUSES } from '@skyport/contracts';
import type { JobGroupHeader } from '@skyport/task-spec';

/** What the group's lifetime rules read of a task row. */
export interface GroupTaskState {
  name: string | null;
  status: ManagedJobStatus;
  failureReason: string | null;
  startedAt: Date | null;
  endedAt: Date | null;
  recoveryCount: number;
  restartCount: number;
}

const ended = (s: ManagedJobStatus) => TERMINAL_MANAGED_JOB_STATUSES.has(s);
const FAILURES = new Set([ManagedJobStatus.Failed, ManagedJobStatus.FailedNoResource]);

export function isPrimary(group: JobGroupHeader, t: Pick<GroupTaskState, 'name'>): boolean {
  return !group.primaryTasks.length || group.primaryTasks.includes(t.name ?? '');
}

/**
 * The task whose first launch failed (no resources, or the launch refused) before it ever ran. SkyPilot's
 * `_run_job_group` launches every task first and, when one launch fails, tears every cluster of the group down and
 * fails the job: such a task ends the group at once. A launch that fails on a recovery or restart does not (SkyPilot
 * records that task's failure and the others run on).
 */
export function abortingTask<T extends GroupTaskState>(tasks: T[]): T | undefined {
  return tasks.find((t) => FAILURES.has(t.status) && !t.startedAt && t.recoveryCount === 0 && t.restartCount === 0);
}

export function primariesFailed(group: JobGroupHeader, tasks: GroupTaskState[]): boolean {
  return tasks.some((t) => isPrimary(group, t) && ended(t.status) && t.status !== ManagedJobStatus.Succeeded);
}

/**
 * Whether the group is over (every primary task ended, or a first launch failed) and, when it is, from when each
 * task still running is cancelled: at once after a failure; after its `termination_delay` (from the last primary's
 * end) when every primary task succeeded. As SkyPilot's controller.
 */
export function groupProgress<T extends GroupTaskState>(
  group: JobGroupHeader,
  tasks: T[],
  now: number,
): { over: boolean; aborted: T | undefined; cancelAfter: (t: T) => number } {
  const aborted = abortingTask(tasks);
  const primaries = tasks.filter((t) => isPrimary(group, t));
  const over = !!aborted || primaries.every((t) => ended(t.status));
  const atOnce = !!aborted || primariesFailed(group, tasks);
  const lastEnd = Math.max(...primaries.map((t) => (ended(t.status) ? (t.endedAt?.getTime() ?? now) : now)));
  return {
    over,
    aborted,
    cancelAfter: (t) => (atOnce ? lastEnd : lastEnd + (group.terminationDelay.tasks[t.name ?? ''] ?? group.terminationDelay.default) * 1000),
  };
}

/**
 * How an ended group ends: the aborting task's status, else SUCCEEDED when every primary task succeeded, else the
 * first primary that FAILED (or otherwise did not succeed; a cancelled primary makes the group FAILED).
 */
export function groupOutcome(group: JobGroupHeader, tasks: GroupTaskState[], aborted?: GroupTaskState): { status: ManagedJobStatus; reason: string | null } {
  const failed = tasks.filter((t) => isPrimary(group, t) && t.status !== ManagedJobStatus.Succeeded);
  const worst = aborted ?? failed.find((t) => t.status === ManagedJobStatus.Failed) ?? failed[0];
  if (!worst) return { status: ManagedJobStatus.Succeeded, reason: null };
  const reason = `task '${worst.name}' ${worst.status}${worst.failureReason ? `: ${worst.failureReason}` : ''}`;
  return { status: worst.status === ManagedJobStatus.Cancelled ? ManagedJobStatus.Failed : worst.status, reason };
}
