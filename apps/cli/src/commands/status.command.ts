import { Command, InvalidArgumentError } from 'commander';
import { TERMINAL_CLUSTER_STATUSES, type ClusterDetail, type ClusterSummary, type ClusterView } from '@skyport/contracts';
import type { CliContext } from '../context/cli-context';
import { CliExit, ExitCode } from '../context/exit-codes';
import { ago, printJson } from '../output/print';
import { renderTable } from '../output/table';
import { expandClusterArgs, listScopedClusters } from './cluster-names';
import { outputOption, type OutputOptions } from './common';

function autostopLabel(c: ClusterView): string {
  if (!c.autostop || c.autostop.idleMinutes < 0) return '-';
  return `${c.autostop.idleMinutes}m${c.autostop.down ? ' (down)' : ''}`;
}

export function statusCommand(ctx: CliContext): Command {
  return new Command('status')
    .description('Show clusters (all of yours, or the ones named)')
    .argument('[clusters...]', "cluster names or patterns ('dev-*')")
    .option('-a, --all', 'include terminated clusters and show more detail')
    .option('-u, --all-users', "every user's clusters you may see (an admin: everyone's), with their owner")
    .option('-v, --verbose', 'for named clusters: placement attempts (failover), jobs and recent events')
    .option('--endpoints', "show the cluster's exposed ports as URLs")
    .option('--endpoint <port>', 'print the URL of one exposed port', (v: string) => {
      if (!/^\d+$/.test(v)) throw new InvalidArgumentError(`--endpoint expects a port number, got '${v}'`);
      return v;
    })
    .addOption(outputOption())
    .addHelpText('after', "\nExamples:\n  $ skyport status\n  $ skyport status 'dev-*' -u\n  $ skyport status dev -v\n  $ skyport status dev -o json\n  $ skyport status dev --endpoint 8000")
    .action(async (names: string[], opts: OutputOptions & { all?: boolean; allUsers?: boolean; verbose?: boolean; endpoints?: boolean; endpoint?: string }) => {
      const client = ctx.client();
      if (opts.endpoints || opts.endpoint) {
        if (names.length !== 1) throw new CliExit(ExitCode.Usage, '--endpoints and --endpoint need exactly one cluster name');
        const endpoints = await client.getEndpoints(names[0]);
        if (opts.endpoint) {
          const url = endpoints[opts.endpoint];
          if (!url) throw new CliExit(ExitCode.Failed, `port ${opts.endpoint} is not exposed on '${names[0]}'${Object.keys(endpoints).length ? ` (exposed: ${Object.keys(endpoints).join(', ')})` : ''}`);
          if (opts.output === 'json') printJson(ctx, { port: Number(opts.endpoint), url });
          else ctx.out(url);
          return;
        }
        if (opts.output === 'json') printJson(ctx, endpoints);
        else if (Object.keys(endpoints).length === 0) ctx.out(`No ports exposed on '${names[0]}' (set resources.ports in the task).`);
        else ctx.out(renderTable(['PORT', 'URL'], Object.entries(endpoints), ctx.colors));
        return;
      }
      const scope = { allUsers: opts.allUsers, includeEnded: opts.all };
      let clusters: ClusterView[];
      if (names.length) {
        const expanded = await expandClusterArgs(ctx, names, scope);
        for (const pattern of expanded.unmatched) ctx.err(`No cluster matches '${pattern}'.`);
        clusters = await Promise.all(expanded.names.map((n) => client.getCluster(n)));
      } else clusters = await listScopedClusters(ctx, scope);
      if (!opts.all && !names.length) clusters = clusters.filter((c) => !TERMINAL_CLUSTER_STATUSES.has(c.status) || c.status === 'FAILED');
      if (opts.output === 'json') {
        printJson(ctx, clusters);
        return;
      }
      if (clusters.length === 0) {
        ctx.out('No clusters. Launch one with: skyport launch -c NAME task.yaml');
        return;
      }
      const head = ['NAME', 'INFRA', 'RESOURCES', 'STATUS', 'AUTOSTOP', 'LAUNCHED'];
      const rows = clusters.map((c) => [
        c.name,
        c.infra ?? '-',
        c.resources ?? (c.instanceType ? `${c.numNodes}x(${c.instanceType})` : `${c.numNodes} node(s)`),
        statusColor(ctx, c.status),
        autostopLabel(c),
        ago(c.createdAt),
      ]);
      if (opts.allUsers) {
        head.splice(1, 0, 'OWNER');
        clusters.forEach((c, i) => rows[i].splice(1, 0, (c as ClusterSummary).owner ?? '-'));
      }
      if (opts.all) {
        head.push('NAMESPACE', 'REASON');
        clusters.forEach((c, i) => rows[i].push(c.namespace ?? '-', c.statusReason ?? '-'));
      }
      ctx.out(renderTable(head, rows, ctx.colors));
      if (opts.verbose && names.length) for (const c of clusters) ctx.out(`\n${renderDetail(ctx, c as ClusterDetail)}`);
    });
}

/** `status NAME -v`: where the cluster was tried (the failover story), its jobs and its latest events. */
function renderDetail(ctx: CliContext, c: ClusterDetail): string {
  const out = [ctx.colors.bold(`Cluster ${c.name}`)];
  if (c.statusReason) out.push(`Reason: ${c.statusReason}`);
  if (c.plan?.chosen) out.push(`Placed on: ${c.plan.chosen.candidateId} (${c.plan.chosen.instanceType}, $${c.plan.chosen.totalHourlyPrice.toFixed(2)}/h)`);
  if (c.attempts?.length) {
    out.push('', 'Placement attempts:');
    out.push(renderTable(['CANDIDATE', 'OUTCOME', 'REASON', 'STARTED'], c.attempts.map((a) => [a.candidateId, a.outcome, a.reason ?? '-', ago(a.startedAt)]), ctx.colors));
  }
  if (c.jobs) {
    const counts = Object.entries(c.jobs.byStatus).map(([k, v]) => `${v} ${k}`).join(', ');
    out.push('', `Jobs: ${c.jobs.total}${counts ? ` (${counts})` : ''}`);
  }
  if (c.events?.length) {
    out.push('', 'Recent events:');
    for (const e of c.events.slice(-10)) out.push(`  ${ctx.colors.dim(e.at.replace('T', ' ').replace(/\.\d+Z$/, 'Z'))}  ${e.message}`);
  }
  return out.join('\n');
}

export function statusColor(ctx: CliContext, status: string): string {
  if (status === 'UP' || status === 'SUCCEEDED' || status === 'RUNNING') return ctx.colors.green(status);
  if (status.startsWith('FAILED') || status === 'CANCELLED') return ctx.colors.red(status);
  if (status === 'TERMINATED') return ctx.colors.dim(status);
  return ctx.colors.yellow(status);
}
