import { Command } from 'commander';
import { RequestStatus, TERMINAL_CLUSTER_STATUSES } from '@skyport/contracts';
import type { CliContext } from '../context/cli-context';
import { CliExit, ExitCode } from '../context/exit-codes';
import { createProgress } from '../output/progress';
import { expandClusterArgs, listScopedClusters } from './cluster-names';
import { confirm } from './confirm';
import { followRequest } from './follow-request';

export function downCommand(ctx: CliContext): Command {
  return new Command('down')
    .description('Tear down clusters: delete their pods, services and secrets')
    .argument('[clusters...]', "cluster names or patterns ('dev-*', as SkyPilot's fnmatch)")
    .option('-a, --all', 'tear down all your clusters')
    .option('-y, --yes', 'do not ask for confirmation')
    .option('--async', 'return once the teardown is requested')
    .addHelpText('after', "\nExamples:\n  $ skyport down dev\n  $ skyport down 'dev-*' -y\n  $ skyport down -a -y\n\nWithout a terminal to confirm on, down refuses unless -y is given.")
    .action(async (names: string[], opts: { all?: boolean; yes?: boolean; async?: boolean }) => {
      const client = ctx.client();
      if (!opts.all && names.length === 0) throw new CliExit(ExitCode.Usage, 'name the clusters to tear down, or pass --all');
      let clusters = names;
      // As `sky down -a`: all of your own clusters, not everyone's an admin can see.
      if (opts.all) clusters = (await listScopedClusters(ctx, {})).filter((c) => !TERMINAL_CLUSTER_STATUSES.has(c.status)).map((c) => c.name);
      else {
        const expanded = await expandClusterArgs(ctx, names);
        for (const pattern of expanded.unmatched) ctx.err(`No cluster of yours matches '${pattern}'.`);
        clusters = expanded.names;
      }
      if (clusters.length === 0) {
        ctx.out('No clusters to tear down.');
        return;
      }
      await confirm(ctx, `Tear down ${clusters.map((c) => `'${c}'`).join(', ')}?`, opts.yes, { destructive: true });
      let failed = 0;
      for (const cluster of clusters) {
        const accepted = await client.down(cluster);
        if (accepted.outcome === 'cancelled') {
          ctx.out(`The queued launch of '${cluster}' is cancelled; nothing was running.`);
          continue;
        }
        if (opts.async) {
          ctx.out(`Teardown of '${cluster}' requested (request ${accepted.requestId}).`);
          continue;
        }
        const progress = createProgress(ctx, `Tearing down '${cluster}'...`);
        const outcome = await followRequest(ctx, accepted.requestId, progress);
        if (outcome.request.status === RequestStatus.Succeeded) ctx.out(`Cluster '${cluster}' is torn down.`);
        else {
          failed++;
          ctx.err(`Teardown of '${cluster}' ended ${outcome.request.status}${outcome.request.error ? `: ${outcome.request.error.message}` : ''}`);
        }
      }
      if (failed) throw new CliExit(ExitCode.Failed);
    });
}
