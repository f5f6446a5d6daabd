import { Command } from 'commander';
import type { CliContext } from '../context/cli-context';
import { CliExit, ExitCode } from '../context/exit-codes';
import { parsePositiveInt } from '../args/flags';
import { printJson } from '../output/print';
import { confirm } from './confirm';
import { outputOption, type OutputOptions } from './common';

export function cancelCommand(ctx: CliContext): Command {
  const jobId = parsePositiveInt('job id');
  return new Command('cancel')
    .description('Cancel jobs on a cluster')
    .argument('<cluster>', 'cluster name')
    .argument('[job_ids...]', 'job ids to cancel')
    .option('-a, --all', 'cancel every job of the cluster')
    .option('-y, --yes', 'do not ask for confirmation')
    .addOption(outputOption())
    .addHelpText('after', '\nExamples:\n  $ skyport cancel dev 3 4\n  $ skyport cancel dev --all -y\n\nWithout a terminal to confirm on, cancel refuses unless -y is given.')
    .action(async (cluster: string, ids: string[], opts: OutputOptions & { all?: boolean; yes?: boolean }) => {
      if (!opts.all && ids.length === 0) throw new CliExit(ExitCode.Usage, 'name the jobs to cancel, or pass --all');
      if (opts.all && ids.length) throw new CliExit(ExitCode.Usage, 'pass job ids or --all, not both');
      const jobIds = ids.map((id) => jobId(id));
      await confirm(ctx, `Cancel ${opts.all ? 'all jobs' : `job(s) ${jobIds.join(', ')}`} on '${cluster}'?`, opts.yes, { destructive: true });
      const result = await ctx.client().cancelJobs(cluster, opts.all ? { all: true } : { jobIds });
      if (opts.output === 'json') printJson(ctx, result);
      else ctx.out(result.cancelled?.length ? `Cancelled job(s) ${result.cancelled.join(', ')} on '${cluster}'.` : `No running or pending job to cancel on '${cluster}'.`);
    });
}
