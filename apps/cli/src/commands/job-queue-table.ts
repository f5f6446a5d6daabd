import type { JobView } from '@skyport/contracts';
import type { CliContext } from '../context/cli-context';
import { ago, duration } from '../output/print';
import { renderTable } from '../output/table';
import { statusColor } from './status.command';

/**
 * One cluster's job queue as `sky queue` prints it, newest first, with what each job holds on every node
 * (RESOURCES): jobs whose resources fit side by side are RUNNING together; the others wait PENDING in order.
 */
export function jobQueueTable(ctx: CliContext, jobs: readonly JobView[]): string {
  const rows = [...jobs]
    .sort((a, b) => b.jobId - a.jobId)
    .map((j) => [
      j.jobId,
      j.name ?? '-',
      ago(j.submittedAt),
      ago(j.startedAt),
      j.startedAt ? duration(j.startedAt, j.endedAt) : '-',
      j.resources ?? '-',
      statusColor(ctx, j.status),
    ]);
  return renderTable(['ID', 'NAME', 'SUBMITTED', 'STARTED', 'DURATION', 'RESOURCES', 'STATUS'], rows, ctx.colors);
}
