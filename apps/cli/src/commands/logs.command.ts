import { Command } from 'commander';
import type { CliContext } from '../context/cli-context';
import { parseNonNegativeInt, parsePositiveInt } from '../args/flags';
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
    .addHelpText('after', '\nExamples:\n  $ skyport logs dev\n  $ skyport logs dev 3 --no-follow --tail 100\n  $ skyport logs dev --provision\n\nExit code 1 when the followed job ends without success.')
    .action(async (cluster: string, jobId: number | undefined, opts: { follow: boolean; tail?: number; setup?: boolean; provision?: boolean }) => {
      const stream = opts.provision ? 'provision' : opts.setup ? 'setup' : 'job';
      const status = await streamLogs(ctx, cluster, jobId, { follow: opts.follow !== false, tail: opts.tail, stream });
      if (opts.follow !== false && stream === 'job') exitForJob(cluster, jobId, status);
    });
}
