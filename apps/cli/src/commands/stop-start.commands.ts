import { Command } from 'commander';
import { ClusterStatus, RequestStatus } from '@skyport/contracts';
import type { CliContext } from '../context/cli-context';
import { CliExit, ExitCode } from '../context/exit-codes';
import { createProgress } from '../output/progress';
import { expandClusterArgs, listScopedClusters } from './cluster-names';
import { confirm } from './confirm';
import { followRequest } from './follow-request';

type Verb = 'stop' | 'start';

/**
 * Why `verb` cannot be done to a cluster on this infra (`kubernetes/<context>`, `aws/us-east-1`, ...) in this
 * status, or undefined when it can: only cloud VM clusters stop (an UP one) and start (a STOPPED one).
 */
export function stopStartRefusal(verb: Verb, cluster: string, infra: string | undefined, status?: string): string | undefined {
  const provider = (infra ?? '').split('/')[0].toLowerCase();
  if (provider === 'kubernetes' || provider === 'k8s') {
    return verb === 'stop'
      ? `'${cluster}' runs on Kubernetes, and Kubernetes clusters cannot be stopped (their pods hold no disk to resume from): tear it down with 'skyport down ${cluster}', or have it torn down when idle with 'skyport autostop ${cluster} -i <minutes> --down'`
      : `'${cluster}' runs on Kubernetes, and Kubernetes clusters are never stopped, so there is nothing to start: it is up until 'skyport down'; launch it again with 'skyport launch -c ${cluster} TASK'`;
  }
  if (!provider) return `'${cluster}' is not placed yet (no infra): there is nothing to ${verb}; see 'skyport status ${cluster}'`;
  if (verb === 'stop' && status === ClusterStatus.Stopped) return `'${cluster}' is already STOPPED`;
  if (verb === 'start' && status === ClusterStatus.Up) return `'${cluster}' is already UP`;
  const wanted = verb === 'stop' ? ClusterStatus.Up : ClusterStatus.Stopped;
  if (status !== undefined && status !== wanted) return `'${cluster}' is ${status}: only ${wanted} clusters can be ${verb === 'stop' ? 'stopped' : 'started'}; see 'skyport status ${cluster}'`;
  return undefined;
}

/** What the user reads once the provisioner is done. */
export function stopStartDone(verb: Verb, cluster: string): string {
  return verb === 'stop'
    ? `Cluster '${cluster}' is STOPPED: its VMs are stopped, their disks kept, and compute is no longer billed. Start it with 'skyport start ${cluster}'.`
    : `Cluster '${cluster}' is UP again (its VMs have new addresses; SSH checked).`;
}

/**
 * `stop` and `start`, SkyPilot's verbs, for cloud VM clusters (AWS): stop stops the VMs (not terminated: disks
 * kept, compute not billed; unfinished jobs end), start runs them again. Kubernetes clusters cannot stop: each
 * such cluster gets the reason, and a command where nothing could be done exits 2, never a silent success.
 */
function stopStartCommand(ctx: CliContext, verb: Verb): Command {
  return new Command(verb)
    .description(verb === 'stop' ? 'Stop cloud VM clusters (keep their disks, stop paying for compute); Kubernetes clusters cannot be stopped' : 'Restart stopped clusters')
    .argument('[clusters...]', "cluster names or patterns ('dev-*')")
    .option('-a, --all', `${verb} all your clusters`)
    .option('-y, --yes', 'do not ask for confirmation')
    .option('--async', `return once the ${verb} is requested`)
    .addHelpText(
      'after',
      `\nExamples:\n  $ skyport ${verb} dev\n  $ skyport ${verb} 'dev-*' -y\n\n` +
        (verb === 'stop'
          ? "Stopping ends the cluster's unfinished jobs (running ones FAILED, queued ones CANCELLED), as SkyPilot does.\nWithout a terminal to confirm on, stop refuses unless -y is given.\n"
          : "'skyport launch -c CLUSTER TASK' on a STOPPED cluster starts it too.\n") +
        "Kubernetes clusters cannot be stopped: use 'skyport down', or 'skyport autostop CLUSTER --down'.",
    )
    .action(async (names: string[], opts: { all?: boolean; yes?: boolean; async?: boolean }) => {
      if (!opts.all && names.length === 0) throw new CliExit(ExitCode.Usage, `name the clusters to ${verb}, or pass --all`);
      const wanted = verb === 'stop' ? ClusterStatus.Up : ClusterStatus.Stopped;
      let clusters: string[];
      if (opts.all) clusters = (await listScopedClusters(ctx, {})).filter((c) => c.status === wanted && stopStartRefusal(verb, c.name, c.infra, c.status) === undefined).map((c) => c.name);
      else {
        const expanded = await expandClusterArgs(ctx, names);
        for (const pattern of expanded.unmatched) ctx.err(`No cluster of yours matches '${pattern}'.`);
        clusters = expanded.names;
      }
      if (clusters.length === 0) {
        ctx.out(`No clusters to ${verb}.`);
        return;
      }
      const refusals: string[] = [];
      const able: string[] = [];
      for (const name of clusters) {
        const cluster = await ctx.client().getCluster(name);
        const refusal = stopStartRefusal(verb, name, cluster.infra, cluster.status);
        if (refusal) refusals.push(refusal);
        else able.push(name);
      }
      for (const reason of able.length ? refusals : refusals.slice(0, -1)) ctx.err(`${ctx.colors.red('Error:')} ${reason}`);
      if (able.length === 0) throw new CliExit(ExitCode.Usage, refusals[refusals.length - 1]);
      // Stopping kills the jobs running there: confirmed as down is (or -y).
      if (verb === 'stop') await confirm(ctx, `Stop ${able.map((c) => `'${c}'`).join(', ')}?`, opts.yes, { destructive: true });
      let failed = 0;
      for (const name of able) {
        const accepted = verb === 'stop' ? await ctx.client().stop(name) : await ctx.client().start(name);
        if (opts.async) {
          ctx.out(`${verb === 'stop' ? 'Stop' : 'Start'} of '${name}' requested (request ${accepted.requestId}).`);
          continue;
        }
        const progress = createProgress(ctx, `${verb === 'stop' ? 'Stopping' : 'Starting'} '${name}'...`);
        const outcome = await followRequest(ctx, accepted.requestId, progress);
        if (outcome.request.status === RequestStatus.Succeeded) ctx.out(stopStartDone(verb, name));
        else {
          failed++;
          ctx.err(`${verb === 'stop' ? 'Stop' : 'Start'} of '${name}' ended ${outcome.request.status}${outcome.request.error ? `: ${outcome.request.error.message}` : ''}`);
        }
      }
      if (failed) throw new CliExit(ExitCode.Failed);
      if (refusals.length) throw new CliExit(ExitCode.Usage);
    });
}

export const stopCommand = (ctx: CliContext): Command => stopStartCommand(ctx, 'stop');
export const startCommand = (ctx: CliContext): Command => stopStartCommand(ctx, 'start');
