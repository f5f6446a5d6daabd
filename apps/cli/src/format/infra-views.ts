import type { CheckView, CostReportItem, GpusView, InfoView } from '@skyport/contracts';
import type { CostReport } from '@skyport/client';
import type { Colors } from '../context/cli-context';
import { renderTable } from '../output/table';
import { ago } from '../output/print';

function money(n: number): string {
  return `$ ${n.toFixed(2)}`;
}

/**
 * `skyport check`: per context whether it answers, its capacity, GPU support (with why not) and the permissions
 * Skyport needs (each missing one named with what fails); per cloud whether Skyport can launch there and why.
 */
export function renderCheck(view: CheckView, c: Colors): string {
  const lines: string[] = [];
  const reachable = view.kubernetes.contexts.filter((x) => x.reachable);
  const enabled = view.kubernetes.available && reachable.length > 0;
  lines.push(`Kubernetes: ${enabled ? c.green('enabled') : c.red('disabled')}`);
  if (!view.kubernetes.available) lines.push(`  ${view.kubernetes.error ?? 'the provisioner did not answer'}`);
  for (const ctx of view.kubernetes.contexts) lines.push(...renderContextCheck(ctx, c));
  if (view.kubernetes.available && view.kubernetes.contexts.length === 0) lines.push('  no allowed context (set kubernetes.allowed_contexts)');
  lines.push('');
  for (const cloud of view.clouds) {
    const catalog = cloud.catalog ? `${cloud.instanceTypes} instance types in ${cloud.regions} regions` : 'no catalog';
    if (cloud.enabled === undefined) {
      // The provisioner did not answer: what the catalog offers is all that is known.
      lines.push(`${cloud.cloud.toUpperCase()}: ${cloud.catalog ? `${c.green('catalog')} (${catalog})` : c.dim('no catalog')}`);
      continue;
    }
    lines.push(`${cloud.cloud.toUpperCase()}: ${cloud.enabled ? c.green('enabled') : c.dim('disabled')} (catalog: ${catalog})`);
    if (cloud.reason) lines.push(`  ${cloud.reason}`);
  }
  return lines.join('\n');
}

function renderContextCheck(ctx: CheckView['kubernetes']['contexts'][number], c: Colors): string[] {
  const mark = ctx.reachable ? c.green('✔') : c.red('✗');
  const free = `${ctx.cpus.free}/${ctx.cpus.allocatable} CPUs and ${ctx.memoryGb.free}/${ctx.memoryGb.allocatable} GB free`;
  const detail = ctx.reachable ? `${ctx.readyNodes}/${ctx.nodes} nodes ready, ${free}, namespace ${ctx.namespace}` : `unreachable: ${ctx.error ?? 'no answer'}`;
  const lines = [`  ${mark} ${ctx.context}: ${detail}`];
  if (!ctx.reachable) return lines;
  if (ctx.gpus) {
    const models = ctx.gpus.models.map((m) => `${m.gpu} ${m.free}/${m.total} free on ${m.nodes} node${m.nodes === 1 ? '' : 's'}`).join(', ');
    lines.push(`      GPUs: ${models || 'none'}${ctx.gpus.hint ? ` — ${ctx.gpus.hint}` : ''}`);
  }
  const p = ctx.permissions;
  if (p && !p.checked) lines.push(`      Permissions: ${c.yellow('not checked')}: ${p.error ?? ''}`);
  else if (p && p.missing.length === 0) lines.push(`      Permissions: ${c.green(`all ${p.total} verified`)} (namespace ${p.namespace})`);
  else if (p) {
    lines.push(`      Permissions: ${c.red(`${p.missing.length} of ${p.total} missing`)} (namespace ${p.namespace})`);
    for (const m of p.missing) lines.push(`        ${c.red('✗')} ${m.message}`);
  }
  return lines;
}

/** `skyport show-gpus`: per context free/total, then cloud offerings with the cheapest price. */
export function renderGpus(view: GpusView, c: Colors): string {
  const out: string[] = [];
  out.push(c.bold('Kubernetes GPUs'));
  if (!view.kubernetes.available) out.push(`  ${view.kubernetes.error ?? 'the provisioner did not answer'}`);
  else if (view.kubernetes.gpus.length === 0) out.push('  No GPUs found on the allowed contexts.');
  else
    out.push(
      renderTable(
        ['CONTEXT', 'GPU', 'FREE', 'TOTAL', 'NODES', 'MAX_FREE_PER_NODE'],
        view.kubernetes.gpus.map((g) => [g.context, g.gpu, g.free, g.total, g.nodes, g.maxFreePerNode]),
        c,
      ),
    );
  if (view.clouds.length) {
    out.push('', c.bold('Cloud GPUs'));
    out.push(
      renderTable(
        ['GPU', 'QTY', 'CLOUDS', 'CHEAPEST', 'INSTANCE', '$/HOUR', 'REGION'],
        view.clouds.map((g) => [
          g.gpu,
          g.counts.join(', '),
          g.clouds.join(', '),
          g.cheapest ? `${g.cheapest.cloud} x${g.cheapest.count}` : '-',
          g.cheapest?.instanceType ?? '-',
          g.cheapest ? g.cheapest.hourlyPrice.toFixed(2) : '-',
          g.cheapest?.region ?? '-',
        ]),
        c,
      ),
    );
  }
  return out.join('\n');
}

function hours(seconds: number): string {
  if (seconds < 3600) return `${Math.round(seconds / 60)}m`;
  return `${(seconds / 3600).toFixed(1)}h`;
}

export function renderCostReport(report: CostReport, c: Colors): string {
  if (report.items.length === 0) return 'No clusters yet.';
  const rows = report.items.map((i: CostReportItem) => [i.clusterName, i.status, i.infra ?? '-', ago(i.launchedAt), hours(i.durationSeconds), i.hourlyPrice.toFixed(2), money(i.totalCost)]);
  return `${renderTable(['NAME', 'STATUS', 'INFRA', 'LAUNCHED', 'DURATION', '$/HOUR', 'COST'], rows, c)}\n\nTotal: ${money(report.totalCost)}`;
}

export function renderInfo(endpoint: string, info: InfoView): string {
  const user = info.user ? `${info.user.name} (${info.user.role}${info.user.team ? `, team ${info.user.team}` : ''})` : 'anonymous';
  return [
    `Endpoint:    ${endpoint}`,
    `Server:      ${info.name} ${info.version} (api ${info.apiVersion})`,
    `Auth:        ${info.auth ? 'on' : 'off'}`,
    `You are:     ${user}`,
    `Server time: ${info.serverTime}`,
    `OpenAPI:     ${endpoint}${info.openapi.startsWith('/') ? info.openapi : `/${info.openapi}`}`,
  ].join('\n');
}
