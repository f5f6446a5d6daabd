import type { ManagedJobView } from '@skyport/contracts';
import type { CliContext } from '../context/cli-context';
import { ago, duration } from '../output/print';
import { renderTable } from '../output/table';

/** `skyport jobs queue` as a table, SkyPilot's columns where Skyport has them. */
export function renderManagedJobs(items: ManagedJobView[], ctx: Pick<CliContext, 'colors'>, now = Date.now()): string {
  if (items.length === 0) return "No managed jobs. Submit one with 'skyport jobs launch task.yaml'.";
  return renderTable(
    ['ID', 'NAME', 'SUBMITTED', 'DURATION', 'STATUS', '#RECOVERIES', '#RESTARTS', 'CLUSTER', 'FAILURE'],
    items.map((j) => [
      String(j.id),
      j.name ?? '-',
      ago(j.submittedAt, now),
      j.startedAt ? duration(j.startedAt, j.endedAt ?? undefined, now) : '-',
      j.status,
      String(j.recoveryCount),
      String(j.restartCount),
      j.cluster ?? '-',
      j.failureReason ?? '',
    ]),
    ctx.colors,
  );
}
