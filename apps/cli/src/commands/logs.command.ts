import { Command } from 'commander';
import type { CliContext } from '../context/cli-context';
import { parseNonNegativeInt, parsePositiveInt } from '../args/flags';
import { CliExit, ExitCode } from '../context/exit-codes';
import { printJobStatus, syncDownLogs } from './job-log-files';
import { exitForJob, streamLogs } from './stream-logs';

export function logsCommand(ctx: CliContext): Command {
  return new Command('logs')
    .description("Show a job's output (the latest job when no id is given), following it while it runs")
    .argument('<cluster>', 'cluster name')
    .argument('[job_id]', 'job id', parsePositiveInt('job_id'))
    .option('--follow', 'keep streaming while the job runs (default)')
    .option('--no-follow', 'print what there is and exit')
    .option('--tail <n>', 'start with the last N lines', parseNonNegativeInt('--tail'))
    .option('--setup', "the job's setup output instead of its run output")
    .option('--provision', "the cluster's provisioning log")
    .option('--status', "print the job's status instead of its logs: exit 0 if it succeeded, 1 otherwise")
    .option('--sync-down', "save the job's logs to ~/sky_logs/<cluster>/<job>/ (run.log, setup.log) instead of printing them")
    .addHelpText('after', '\nExamples:\n  $ skyport logs dev\n  $ skyport logs dev 3 --no-follow --tail 100\n  $ skyport logs dev --provision\n  $ skyport logs dev 3 --status\n  $ skyport logs dev --sync-down\n\nExit code 1 when the followed job ends without success.')
    .action(async (cluster: string, jobId: number | undefined, opts: { follow: boolean; tail?: number; setup?: boolean; provision?: boolean; status?: boolean; syncDown?: boolean }) => {
      if (opts.status && opts.syncDown) throw new CliExit(ExitCode.Usage, 'pass --status or --sync-down, not both');
      if (opts.status) return printJobStatus(ctx, cluster, jobId);
      if (opts.syncDown) return void (await syncDownLogs(ctx, cluster, jobId));
      const stream = opts.provision ? 'provision' : opts.setup ? 'setup' : 'job';
      const status = await streamLogs(ctx, cluster, jobId, { follow: opts.follow !== false, tail: opts.tail, stream });
      if (opts.follow !== false && stream === 'job') exitForJob(cluster, jobId, status);
    });
}
