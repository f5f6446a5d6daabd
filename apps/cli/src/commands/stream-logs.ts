import { JobStatus, SkyportError, TERMINAL_JOB_STATUSES } from '@skyport/contracts';
import type { CliContext } from '../context/cli-context';
import { CliExit, ExitCode } from '../context/exit-codes';

/**
 * Prints a job's output as it comes. Ctrl-C detaches (the job keeps running) and says how to re-attach.
 * Returns the job's final status when the stream ended with the job, else undefined.
 */
export async function streamLogs(
  ctx: CliContext,
  cluster: string,
  requestedJobId: number | undefined,
  options: { follow: boolean; tail?: number; stream?: 'job' | 'setup' | 'provision' },
): Promise<JobStatus | undefined> {
  const jobId = requestedJobId ?? (await latestJobId(ctx, cluster));
  const controller = new AbortController();
  const onInterrupt = (): void => controller.abort();
  process.once('SIGINT', onInterrupt);
  let end: { status?: string } | undefined;
  try {
    const stream = ctx.client().jobLogs(cluster, jobId, { follow: options.follow, tail: options.tail, stream: options.stream, signal: controller.signal });
    for (;;) {
      const next = await stream.next();
      if (next.done) {
        end = next.value;
        break;
      }
      ctx.out(next.value.line);
    }
  } catch (error) {
    if (controller.signal.aborted) {
      ctx.err(`\nDetached from the logs; the job keeps running. Re-attach with: skyport logs ${cluster} ${jobId}`);
      return undefined;
    }
    throw error;
  } finally {
    process.removeListener('SIGINT', onInterrupt);
  }
  const status = end?.status?.toUpperCase();
  const known = status && (Object.values(JobStatus) as string[]).includes(status) ? (status as JobStatus) : undefined;
  if (!options.follow) return known;
  if (known && TERMINAL_JOB_STATUSES.has(known)) return known;
  // The output is complete, but the job's row may not say how it ended yet (the job driver records the exit code
  // a moment after the last line is stored): ask for the job until it does, briefly.
  try {
    let latest = known;
    for (let i = 0; i < 60; i++) {
      const jobs = await ctx.client().listJobs(cluster);
      latest = jobs.find((j) => j.jobId === jobId)?.status ?? latest;
      if (latest && TERMINAL_JOB_STATUSES.has(latest)) return latest;
      await new Promise((r) => setTimeout(r, 250));
    }
    return latest;
  } catch (error) {
    if (error instanceof SkyportError) return known;
    throw error;
  }
}

async function latestJobId(ctx: CliContext, cluster: string): Promise<number> {
  const jobs = await ctx.client().listJobs(cluster);
  if (jobs.length === 0) throw new CliExit(ExitCode.Failed, `cluster '${cluster}' has no jobs yet`);
  return Math.max(...jobs.map((j) => j.jobId));
}

/** Exit 1 when the job did not succeed. */
export function exitForJob(cluster: string, jobId: number | undefined, status: JobStatus | undefined): void {
  if (status === undefined || status === JobStatus.Succeeded || status === JobStatus.Running) return;
  throw new CliExit(ExitCode.Failed, `job ${jobId ?? ''} on '${cluster}' ended ${status}`.replace('job  on', 'the job on'));
}
