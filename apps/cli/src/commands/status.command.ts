import { Command, InvalidArgumentError } from 'commander';
import { TERMINAL_CLUSTER_STATUSES, type ClusterView } from '@skyport/contracts';
import type { CliContext } from '../context/cli-context';
import { CliExit, ExitCode } from '../context/exit-codes';
import { ago, printJson } from '../output/print';
import { renderTable } from '../output/table';
import { outputOption, type OutputOptions } from './common';

function autostopLabel(c: ClusterView): string {
  if (!c.autostop || c.autostop.idleMinutes < 0) return '-';
  return `${c.autostop.idleMinutes}m${c.autostop.down ? ' (down)' : ''}`;
}

export function statusCommand(ctx: CliContext): Command {
  return new Command('status')
    .description('Show clusters (all of yours, or the ones named)')
    .argument('[clusters...]', 'cluster names')
    .option('-a, --all', 'include terminated clusters and show more detail')
    .option('--endpoints', "show the cluster's exposed ports as URLs")
    .option('--endpoint <port>', 'print the URL of one exposed port', (v: string) => {
      if (!/^\d+$/.test(v)) throw new InvalidArgumentError(`--endpoint expects a port number, got '${v}'`);
      return v;
    })
    .addOption(outputOption())
    .addHelpText('after', '\nExamples:\n  $ skyport status\n  $ skyport status dev -o json\n  $ skyport status dev --endpoint 8000')
    .action(async (names: string[], opts: OutputOptions & { all?: boolean; endpoints?: boolean; endpoint?: string }) => {
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
      let clusters: ClusterView[] = names.length ? await Promise.all(names.map((n) => client.getCluster(n))) : await client.listClusters({ all: opts.all });
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
      if (opts.all) {
        head.push('NAMESPACE', 'REASON');
        clusters.forEach((c, i) => rows[i].push(c.namespace ?? '-', c.statusReason ?? '-'));
      }
      ctx.out(renderTable(head, rows, ctx.colors));
    });
}

export function statusColor(ctx: CliContext, status: string): string {
  if (status === 'UP' || status === 'SUCCEEDED' || status === 'RUNNING') return ctx.colors.green(status);
  if (status.startsWith('FAILED') || status === 'CANCELLED') return ctx.colors.red(status);
  if (status === 'TERMINATED') return ctx.colors.dim(status);
  return ctx.colors.yellow(status);
}
