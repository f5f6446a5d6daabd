import type { EntityManager } from 'typeorm';
import { ErrorCode, SkyportError, TERMINAL_MANAGED_JOB_STATUSES, jobGroupDnsProblems, type JobGroupLaunch } from '@skyport/contracts';
import type { ManagedJobEntity } from '@skyport/persistence';
import { invalidTask, type JobGroupHeader } from '@skyport/task-spec';

/**
 * A job group's names become cluster DNS names (`<task>-<node>.<group>`), so `jobs launch` refuses names that cannot
 * be (SkyPilot allows `_`; `skyport validate` follows SkyPilot's own check and does not refuse them).
 */
export function checkGroupDnsNames(group: JobGroupHeader, tasks: Array<{ name?: string | null; numNodes: number }>): void {
  const problems = jobGroupDnsProblems(
    group.name,
    tasks.map((t) => ({ name: t.name ?? '', numNodes: t.numNodes })),
  );
  if (problems.length) {
    throw invalidTask(
      problems.map((p) => ({ path: p.field === 'name' ? 'header.name' : p.field, message: p.message })),
      `job group '${group.name}'`,
    );
  }
}

/**
 * One group name per namespace: its headless Service is named after the group. Teams launch into their own
 * namespaces, and teams without any share the default ones, so another unfinished group of the same name is a clash
 * when it is the same team's or both are unconfined. (The provisioner refuses a Service of another group too.)
 */
export async function refuseRunningGroupNamed(manager: EntityManager, group: JobGroupHeader, team: string | null, confined: boolean): Promise<void> {
  const rows = (await manager.query(
    `SELECT id, team FROM managed_jobs
      WHERE lower(launch_options->'jobGroup'->>'name') = $1 AND status <> ALL($2)
        AND (team IS NOT DISTINCT FROM $3 OR ($4 AND launch_options->'placement' IS NULL))
      LIMIT 1`,
    [group.name.toLowerCase(), [...TERMINAL_MANAGED_JOB_STATUSES], team, !confined],
  )) as Array<{ id: number; team: string | null }>;
  const clash = rows[0];
  if (!clash) return;
  const which = clash.team === team ? `managed job ${clash.id}` : "another team's managed job";
  throw new SkyportError(
    ErrorCode.Conflict,
    `a job group named '${group.name}' is already running (${which}) where this one would run: its host names '<task>-<node>.${group.name.toLowerCase()}' would clash; wait until it ends, cancel it, or rename this group`,
    { field: 'name', value: group.name, runningJob: clash.team === team ? clash.id : undefined },
  );
}

/** What a group task's launch request carries (`requests.payload.jobGroup`): the DNS forms of the names. */
export function jobGroupLaunch(job: Pick<ManagedJobEntity, 'id'>, group: JobGroupHeader, taskName: string): JobGroupLaunch {
  return { name: group.name.toLowerCase(), task: taskName.toLowerCase(), managedJobId: job.id };
}
