import type { OptimizerRpc } from '@skyport/contracts';
import type { Colors } from '../context/cli-context';
import { renderTable } from '../output/table';

const PROVIDER_NAMES: Record<string, string> = {
  kubernetes: 'Kubernetes',
  aws: 'AWS',
  gcp: 'GCP',
  azure: 'Azure',
  lambda: 'Lambda',
  ibm: 'IBM',
  oci: 'OCI',
};

export function providerName(provider: string): string {
  return PROVIDER_NAMES[provider.toLowerCase()] ?? provider.charAt(0).toUpperCase() + provider.slice(1);
}

function num(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Math.round(n * 100) / 100);
}

/** `Kubernetes (ctx-a)`, `AWS (us-east-1)`, `GCP (us-central1, us-central1-a)`. */
export function infraLabel(c: OptimizerRpc.Candidate): string {
  const where = [c.region, c.zone].filter(Boolean).join(', ');
  return where ? `${providerName(c.provider)} (${where})` : providerName(c.provider);
}

/**
 * The "Considered resources" table of the seed:
 *
 *   Considered resources (1 node):
 *    INFRA               INSTANCE   vCPUs  Mem(GB)  GPUS  COST ($)  CHOSEN
 *    Kubernetes (ctx-a)  2CPU--2GB  2      2        -     0.00      ✔
 *
 * followed by one line per infeasible candidate saying why.
 */
export function renderPlan(plan: OptimizerRpc.PlanResponse, colors: Colors): string {
  const nodes = plan.numNodes || 1;
  const rows = plan.candidates.map((c, i) => [
    c.feasible ? infraLabel(c) : colors.dim(infraLabel(c)),
    `${c.instanceType || '-'}${c.useSpot ? '[Spot]' : ''}`,
    num(c.vcpus),
    num(c.memoryGb),
    c.acceleratorName && c.acceleratorCount ? `${c.acceleratorName}:${num(c.acceleratorCount)}` : '-',
    (c.totalHourlyPrice || c.hourlyPrice * nodes).toFixed(2),
    i === plan.chosenIndex ? colors.green('✔') : '',
  ]);
  const lines = [`Considered resources (${nodes} node${nodes === 1 ? '' : 's'}):`];
  lines.push(renderTable(['INFRA', 'INSTANCE', 'vCPUs', 'Mem(GB)', 'GPUS', 'COST ($)', 'CHOSEN'], rows, colors));
  const infeasible = plan.candidates.filter((c) => !c.feasible && c.reason);
  if (infeasible.length) {
    lines.push('', 'Not available now:');
    for (const c of infeasible) lines.push(`  ${infraLabel(c)}${c.instanceType ? ` ${c.instanceType}` : ''}: ${c.reason}`);
  }
  return lines.join('\n');
}
