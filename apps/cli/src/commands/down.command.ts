import { Command } from 'commander';
import { RequestStatus, TERMINAL_CLUSTER_STATUSES } from '@skyport/contracts';
import type { CliContext } from '../context/cli-context';
import { CliExit, ExitCode } from '../context/exit-codes';
import { createProgress } from '../output/progress';
import { confirm } from './confirm';
import { followRequest } from './follow-request';

export function downCommand(ctx: CliContext): Command {
  return new Command('down')
    .description('Tear down clusters: delete their pods, services and secrets')
    .argument('[clusters...]', 'cluster names')
    .option('-a, --all', 'tear down all your clusters')
    .option('-y, --yes', 'do not ask for confirmation')
    .option('--async', 'return once the teardown is requested')
    .addHelpText('after', '\nExamples:\n  $ skyport down dev\n  $ skyport down -a -y')
    .action(async (names: string[], opts: { all?: boolean; yes?: boolean; async?: boolean }) => {
      const client = ctx.client();
      if (!opts.all && names.length === 0) throw new CliExit(ExitCode.Usage, 'name the clusters to tear down, or pass --all');
      const clusters = opts.all ? (await client.listClusters()).filter((c) => !TERMINAL_CLUSTER_STATUSES.has(c.status)).map((c) => c.name) : names;
      if (clusters.length === 0) {
        ctx.out('No clusters to tear down.');
        return;
      }
      await confirm(ctx, `Tear down ${clusters.map((c) => `'${c}'`).join(', ')}?`, opts.yes);
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
