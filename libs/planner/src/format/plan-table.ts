import { CLOUD_DISPLAY_NAMES, isCloudName } from '@skyport/catalog';
import type { OptimizerRpc } from '@skyport/contracts';

export function infraLabel(c: Pick<OptimizerRpc.Candidate, 'provider' | 'region'>): string {
  if (c.provider === 'kubernetes') return c.region ? `Kubernetes (${c.region})` : 'Kubernetes';
  const name = isCloudName(c.provider) ? CLOUD_DISPLAY_NAMES[c.provider] : c.provider;
  return c.region ? `${name} (${c.region})` : name;
}

function num(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Number(n.toFixed(2)));
}

function gpus(c: OptimizerRpc.Candidate): string {
  return c.acceleratorName && c.acceleratorCount > 0 ? `${c.acceleratorName}:${num(c.acceleratorCount)}` : '-';
}

export interface PlanTableOptions {
  /** List infeasible candidates with their reasons below the table (default true). */
  showInfeasible?: boolean;
}

/**
 * The "Considered resources" table that `launch` and `launch --dryrun` print, the same from the CLI and the api.
 * Feasible candidates in failover order, the chosen one ticked; infeasible ones below with why.
 */
export function formatPlanTable(plan: OptimizerRpc.PlanResponse, options: PlanTableOptions = {}): string {
  const header = ['INFRA', 'INSTANCE', 'vCPUs', 'Mem(GB)', 'GPUS', 'COST ($)', 'CHOSEN'];
  const feasible = plan.candidates.filter((c) => c.feasible);
  const rows = feasible.map((c) => [
    infraLabel(c),
    c.instanceType,
    num(c.vcpus),
    num(c.memoryGb),
    gpus(c),
    c.totalHourlyPrice.toFixed(2),
    plan.chosenIndex >= 0 && plan.candidates[plan.chosenIndex] === c ? '✔' : '',
  ]);
  // Minimum widths keep short tables in the seed's shape.
  const minWidths = [21, 17, 6, 8, 5, 9, 6];
  const widths = header.map((h, i) => Math.max(minWidths[i], h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]): string =>
    ` ${cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]))).join(' ')}`.trimEnd();
  const nodes = `${plan.numNodes} node${plan.numNodes === 1 ? '' : 's'}`;
  const out = [`Considered resources (${nodes}):`, line(header), ...rows.map(line)];
  if (rows.length === 0) out.push(' (no feasible candidate)');
  const infeasible = plan.candidates.filter((c) => !c.feasible);
  if ((options.showInfeasible ?? true) && infeasible.length > 0) {
    out.push('', 'Not available:');
    const lines = groupInfeasible(infeasible);
    const w = Math.max(...lines.map((l) => l.infra.length));
    const wi = Math.max(...lines.map((l) => l.instance.length));
    for (const l of lines) out.push(` ${l.infra.padEnd(w)}  ${l.instance.padEnd(wi)}  ${l.detail}`.trimEnd());
  }
  return out.join('\n');
}

/** The reason without the `ctx-a: ` / `AWS us-east-1: ` prefix that the INFRA column already shows. */
function reasonDetail(c: OptimizerRpc.Candidate): string {
  const name = isCloudName(c.provider) ? CLOUD_DISPLAY_NAMES[c.provider] : c.provider;
  for (const prefix of [`${c.region}: `, `${name} ${c.region}: `, `${name}: `]) {
    if (c.reason.startsWith(prefix)) return c.reason.slice(prefix.length);
  }
  return c.reason || 'not feasible';
}

interface InfeasibleLine {
  infra: string;
  instance: string;
  detail: string;
}

// One line per cloud and reason ("AWS (us-east-1, us-west-2)  not enabled ..."), so a disabled cloud with many
// regions does not drown the Kubernetes reasons; Kubernetes contexts keep a line each.
function groupInfeasible(candidates: OptimizerRpc.Candidate[]): InfeasibleLine[] {
  const groups = new Map<string, { first: OptimizerRpc.Candidate; regions: string[]; detail: string }>();
  for (const c of candidates) {
    const detail = reasonDetail(c);
    const key = c.provider === 'kubernetes' ? `k8s\u0000${c.candidateId}` : `${c.provider}\u0000${detail}`;
    const group = groups.get(key);
    if (group) {
      if (c.region && !group.regions.includes(c.region)) group.regions.push(c.region);
    } else groups.set(key, { first: c, regions: c.region ? [c.region] : [], detail });
  }
  return [...groups.values()].map(({ first, regions, detail }) => {
    const infra = infraLabel({ provider: first.provider, region: regions.join(', ') });
    return { infra, instance: first.instanceType, detail };
  });
}
