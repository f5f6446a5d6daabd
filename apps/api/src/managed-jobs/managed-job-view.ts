import type { ManagedJobView } from '@skyport/contracts';
import type { ManagedJobEntity } from '@skyport/persistence';

/** The API's view of a managed job (never its secrets or launch options). */
export function toManagedJobView(row: ManagedJobEntity): ManagedJobView {
  return {
    id: row.id,
    name: row.name,
    status: row.status,
    owner: row.owner,
    team: row.team,
    recoveryCount: row.recoveryCount,
    restartCount: row.restartCount,
    cluster: row.clusterName,
    clusterJobId: row.clusterJobId,
    taskId: row.taskId,
    recovery: row.recovery,
    failureReason: row.failureReason,
    submittedAt: row.submittedAt.toISOString(),
    startedAt: row.startedAt?.toISOString() ?? null,
    endedAt: row.endedAt?.toISOString() ?? null,
  };
}

/** The cluster of a managed job's attempt (a fresh name each attempt, so a new one never waits for the old one's teardown). */
export function attemptClusterName(id: number, attempt: number): string {
  return `sky-jobs-${id}-${attempt}`;
}

/** `SKYPILOT_TASK_ID` of a managed job, as SkyPilot shapes it (`sky-managed-<submitted>_<name>_<id>`). */
export function managedTaskId(id: number, name: string | null, submittedAt: Date): string {
  const stamp = submittedAt.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `sky-managed-${stamp}_${name ?? 'task'}_${id}`;
}
