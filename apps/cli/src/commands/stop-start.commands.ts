import { Command } from 'commander';
import type { CliContext } from '../context/cli-context';
import { CliExit, ExitCode } from '../context/exit-codes';
import { expandClusterArgs, listScopedClusters } from './cluster-names';

type Verb = 'stop' | 'start';

/** Why `verb` cannot be done to a cluster on this infra (`kubernetes/<context>`, `aws/us-east-1`, ...). */
export function stopStartRefusal(verb: Verb, cluster: string, infra: string | undefined): string {
  const provider = (infra ?? '').split('/')[0].toLowerCase();
  if (provider === 'kubernetes' || provider === 'k8s') {
    return verb === 'stop'
      ? `'${cluster}' runs on Kubernetes, and Kubernetes clusters cannot be stopped (their pods hold no disk to resume from): tear it down with 'skyport down ${cluster}', or have it torn down when idle with 'skyport autostop ${cluster} -i <minutes> --down'`
      : `'${cluster}' runs on Kubernetes, and Kubernetes clusters are never stopped, so there is nothing to start: it is up until 'skyport down'; launch it again with 'skyport launch -c ${cluster} TASK'`;
  }
  if (!provider) return `'${cluster}' is not placed yet (no infra): there is nothing to ${verb}; see 'skyport status ${cluster}'`;
  return `${verb === 'stop' ? 'stopping' : 'starting'} '${cluster}' (${infra}) is not supported yet: Skyport's ${provider.toUpperCase()} clusters are terminated, not stopped — use 'skyport down ${cluster}'`;
}

/**
 * `stop` and `start`, SkyPilot's verbs. Skyport's clusters cannot be stopped today: Kubernetes ones never can, and
 * stopping cloud VMs is not implemented yet. Each named cluster is looked up and the reason is said for it; the
 * exit code is 2 (a request that cannot be done), never a silent success.
 */
function stopStartCommand(ctx: CliContext, verb: Verb): Command {
  const command = new Command(verb)
    .description(verb === 'stop' ? 'Stop clusters (keep their disks, stop paying for compute); Kubernetes clusters cannot be stopped' : 'Restart stopped clusters')
    .argument('[clusters...]', "cluster names or patterns ('dev-*')")
    .option('-a, --all', `${verb} all your clusters`)
    .option('-y, --yes', 'do not ask for confirmation')
    .addHelpText(
      'after',
      `\nExamples:\n  $ skyport ${verb} dev\n  $ skyport ${verb} 'dev-*' -y\n\nKubernetes clusters cannot be stopped: use 'skyport down', or 'skyport autostop CLUSTER --down'.`,
    )
    .action(async (names: string[], opts: { all?: boolean; yes?: boolean }) => {
      if (!opts.all && names.length === 0) throw new CliExit(ExitCode.Usage, `name the clusters to ${verb}, or pass --all`);
      const clusters = opts.all ? (await listScopedClusters(ctx, {})).map((c) => c.name) : (await expandClusterArgs(ctx, names)).names;
      if (clusters.length === 0) throw new CliExit(ExitCode.Usage, `no cluster to ${verb}`);
      const reasons: string[] = [];
      for (const name of clusters) reasons.push(stopStartRefusal(verb, name, (await ctx.client().getCluster(name)).infra));
      for (const reason of reasons.slice(0, -1)) ctx.err(`${ctx.colors.red('Error:')} ${reason}`);
      throw new CliExit(ExitCode.Usage, reasons[reasons.length - 1]);
    });
  return command;
}

export const stopCommand = (ctx: CliContext): Command => stopStartCommand(ctx, 'stop');
export const startCommand = (ctx: CliContext): Command => stopStartCommand(ctx, 'start');
