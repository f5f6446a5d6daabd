import type { ManagedJobTaskView, ManagedJobView } from '@skyport/contracts';
import type { ManagedJobEntity, ManagedJobTaskEntity } from '@skyport/persistence';

function toTaskView(t: ManagedJobTaskEntity): ManagedJobTaskView {
  return {
    index: t.taskIndex,
    name: t.name,
    status: t.status,
    taskId: t.taskId,
    cluster: t.clusterName,
    clusterJobId: t.clusterJobId,
    recoveryCount: t.recoveryCount,
    restartCount: t.restartCount,
    failureReason: t.failureReason,
    startedAt: t.startedAt?.toISOString() ?? null,
    endedAt: t.endedAt?.toISOString() ?? null,
  };
}

/**
 * The API's view of a managed job (never its secrets or launch options). The job's counters add up its tasks'
 * (the job row counts only the current task's, which is what its restart limit applies to).
 */
export function toManagedJobView(row: ManagedJobEntity, tasks: ManagedJobTaskEntity[], cost: number): ManagedJobView {
  // A job group's tasks each keep their own counters on their rows (the job row's stay 0).
  const group = 'jobGroup' in row.launchOptions;
  const sum = (pick: (t: ManagedJobTaskEntity) => number, current: number) =>
    tasks.length ? tasks.reduce((s, t) => s + (t.taskIndex === row.currentTask && !group ? current : pick(t)), 0) : current;
  return {
    id: row.id,
    name: row.name,
    status: row.status,
    owner: row.owner,
    team: row.team,
    recoveryCount: sum((t) => t.recoveryCount, row.recoveryCount),
    restartCount: sum((t) => t.restartCount, row.restartCount),
    cluster: row.clusterName,
    clusterJobId: row.clusterJobId,
    taskId: row.taskId,
    recovery: row.recovery,
    failureReason: row.failureReason,
    submittedAt: row.submittedAt.toISOString(),
    startedAt: row.startedAt?.toISOString() ?? null,
    endedAt: row.endedAt?.toISOString() ?? null,
    currentTask: row.currentTask,
    tasks: tasks.map(toTaskView),
    execution: group ? 'parallel' : 'serial',
    cost,
  };
}

/** The cluster of a managed job's attempt (a fresh name each attempt, so a new one never waits for the old one's teardown). */
export function attemptClusterName(id: number, attempt: number): string {
  return `sky-jobs-${id}-${attempt}`;
}
