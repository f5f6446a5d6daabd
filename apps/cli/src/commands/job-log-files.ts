import { mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode, JobStatus, SkyportError, type JobView } from '@skyport/contracts';
import type { CliContext } from '../context/cli-context';
import { CliExit, ExitCode } from '../context/exit-codes';
import { statusColor } from './status.command';

/** The job named, or the cluster's latest (as `sky logs` without a job id). */
export async function findJob(ctx: CliContext, cluster: string, jobId: number | undefined): Promise<JobView> {
  const jobs = await ctx.client().listJobs(cluster);
  if (jobs.length === 0) throw new CliExit(ExitCode.Failed, `cluster '${cluster}' has no jobs yet`);
  const job = jobId === undefined ? jobs.reduce((a, b) => (b.jobId > a.jobId ? b : a)) : jobs.find((j) => j.jobId === jobId);
  if (!job) throw new CliExit(ExitCode.Failed, `cluster '${cluster}' has no job ${jobId}`);
  return job;
}

/**
 * `logs --status`, as `sky logs --status`: no logs, one line with the job's status, and the exit code says it —
 * 0 when the job succeeded, 1 otherwise (failed, cancelled, or not finished yet).
 */
export async function printJobStatus(ctx: CliContext, cluster: string, jobId: number | undefined): Promise<void> {
  const job = await findJob(ctx, cluster, jobId);
  ctx.out(`Job ${job.jobId} on '${cluster}': ${statusColor(ctx, job.status)}`);
  if (job.status !== JobStatus.Succeeded) throw new CliExit(ExitCode.Failed);
}

/** Where `logs --sync-down` writes, as SkyPilot: `~/sky_logs/<cluster>/<job>/`. */
export function syncDownDir(ctx: CliContext, cluster: string, jobId: number): string {
  return join(ctx.env.HOME || homedir(), 'sky_logs', cluster, String(jobId));
}

/**
 * `logs --sync-down`: the job's output so far into `run.log` and its setup output (when it had a setup) into
 * `setup.log`, under `~/sky_logs/<cluster>/<job>/`; prints where. Nothing is streamed to the terminal.
 */
export async function syncDownLogs(ctx: CliContext, cluster: string, jobId: number | undefined): Promise<string> {
  const job = await findJob(ctx, cluster, jobId);
  const dir = syncDownDir(ctx, cluster, job.jobId);
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  for (const [stream, file] of [['job', 'run.log'], ['setup', 'setup.log']] as const) {
    const lines = await readAll(ctx, cluster, job.jobId, stream);
    if (lines === undefined || (stream === 'setup' && lines.length === 0)) continue;
    writeFileSync(join(dir, file), lines.length ? `${lines.join('\n')}\n` : '');
    written.push(file);
  }
  ctx.out(`Job ${job.jobId} (${job.status}) logs of '${cluster}' are in ${dir}: ${written.join(', ')}`);
  return dir;
}

/** Every line of one stream, not following; undefined when the job has no such stream. */
async function readAll(ctx: CliContext, cluster: string, jobId: number, stream: 'job' | 'setup'): Promise<string[] | undefined> {
  const lines: string[] = [];
  try {
    for await (const entry of ctx.client().jobLogs(cluster, jobId, { follow: false, stream })) lines.push(entry.line);
  } catch (error) {
    if (stream === 'setup' && error instanceof SkyportError && error.code === ErrorCode.NotFound) return undefined;
    throw error;
  }
  return lines;
}
