import { Command } from 'commander';
import type { JobView } from '@skyport/contracts';
import type { CliContext } from '../context/cli-context';
import { printJson } from '../output/print';
import { expandClusterArgs, listScopedClusters } from './cluster-names';
import { outputOption, type OutputOptions } from './common';
import { jobQueueTable } from './job-queue-table';

export function queueCommand(ctx: CliContext): Command {
  return new Command('queue')
    .description("Show the job queue of clusters (all of yours when none is named)")
    .argument('[clusters...]', "cluster names or patterns ('dev-*')")
    .option('-u, --all-users', "every user's clusters you may see (an admin: everyone's)")
    .addOption(outputOption())
    .addHelpText('after', "\nExamples:\n  $ skyport queue dev\n  $ skyport queue 'dev-*'\n  $ skyport queue -u -o json")
    .action(async (names: string[], opts: OutputOptions & { allUsers?: boolean }) => {
      const client = ctx.client();
      let clusters: string[];
      if (names.length) {
        const expanded = await expandClusterArgs(ctx, names, { allUsers: opts.allUsers });
        for (const pattern of expanded.unmatched) ctx.err(`No cluster matches '${pattern}'.`);
        clusters = expanded.names;
      } else clusters = (await listScopedClusters(ctx, { allUsers: opts.allUsers })).map((c) => c.name);
      const byCluster: Array<{ cluster: string; jobs: JobView[] }> = [];
      for (const cluster of clusters) byCluster.push({ cluster, jobs: await client.listJobs(cluster) });
      if (opts.output === 'json') {
        printJson(ctx, byCluster.flatMap((c) => c.jobs));
        return;
      }
      if (byCluster.length === 0) ctx.out('No clusters.');
      for (const { cluster, jobs } of byCluster) {
        ctx.out(`Job queue of cluster ${ctx.colors.bold(cluster)}`);
        if (jobs.length === 0) {
          ctx.out('  No jobs.');
          continue;
        }
        ctx.out(jobQueueTable(ctx, jobs));
      }
    });
}
