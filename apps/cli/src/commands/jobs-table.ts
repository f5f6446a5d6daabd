import { TERMINAL_MANAGED_JOB_STATUSES, type ManagedJobView } from '@skyport/contracts';
import type { CliContext } from '../context/cli-context';
import { ago, duration } from '../output/print';
import { renderTable } from '../output/table';

const HEADER = ['ID', 'TASK', 'NAME', 'SUBMITTED', 'DURATION', 'STATUS', '#RECOVERIES', '#RESTARTS', 'CLUSTER', 'COST', 'FAILURE'];

const dollars = (n: number) => `$${n.toFixed(2)}`;

/**
 * `skyport jobs queue` as a table, SkyPilot's layout: a job of one task is one row (TASK `-`); a pipeline is a row
 * for the job (its status says which task runs) and a `↳` row per task with that task's own status.
 */
export function renderManagedJobs(items: ManagedJobView[], ctx: Pick<CliContext, 'colors'>, now = Date.now()): string {
  if (items.length === 0) return "No managed jobs. Submit one with 'skyport jobs launch task.yaml'.";
  const rows: string[][] = [];
  for (const j of items) {
    const tasks = j.tasks ?? [];
    // A job group's tasks all run at once: a row per task, and no "current" task on the job's row.
    const group = j.execution === 'parallel';
    const pipeline = tasks.length > 1 || group;
    const status = pipeline && !group && !TERMINAL_MANAGED_JOB_STATUSES.has(j.status) ? `${j.status} (task: ${j.currentTask})` : j.status;
    rows.push([
      String(j.id),
      pipeline ? '' : '-',
      j.name ?? '-',
      ago(j.submittedAt, now),
      j.startedAt ? duration(j.startedAt, j.endedAt ?? undefined, now) : '-',
      status,
      String(j.recoveryCount),
      String(j.restartCount),
      j.cluster ?? '-',
      dollars(j.cost ?? 0),
      j.failureReason ?? '',
    ]);
    if (!pipeline) continue;
    for (const t of tasks) {
      rows.push([
        ' ↳',
        String(t.index),
        t.name ?? '-',
        '',
        t.startedAt ? duration(t.startedAt, t.endedAt ?? undefined, now) : '-',
        t.status,
        String(t.recoveryCount),
        String(t.restartCount),
        t.cluster ?? '-',
        '',
        t.failureReason ?? '',
      ]);
    }
  }
  return renderTable(HEADER, rows, ctx.colors);
}
