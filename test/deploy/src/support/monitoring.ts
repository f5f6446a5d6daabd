import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@skyport/dev-stack';

/*
 * Static checks of the chart's monitoring objects: which metric names a PromQL expression reads, whether Skyport
 * defines them, and whether a label selector selects an object. promtool is not available here, so these are
 * deliberately small and tested in monitoring.integration-spec.ts.
 */

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values: string[] }[];
}

/**
 * The metric names Skyport defines, from its sources as text: `name: '...'` of every metric, and its type. The
 * domain metrics are in libs/telemetry, the api's own in apps/api.
 */
export function definedMetrics(): Map<string, string> {
  const files = [join(repoRoot(), 'libs', 'telemetry', 'src', 'metrics', 'skyport-metrics.ts'), join(repoRoot(), 'apps', 'api', 'src', 'metrics', 'api-metrics.ts')];
  const out = new Map<string, string>();
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/name:\s*'([a-zA-Z_:][a-zA-Z0-9_:]*)'/g)) out.set(m[1]!, 'unknown');
    // The type, where the definition reads `new Histogram({ name: '...'` (every one of them today).
    for (const m of text.matchAll(/new\s+(Counter|Gauge|Histogram|Summary)\s*\(\s*\{\s*name:\s*'([a-zA-Z_:][a-zA-Z0-9_:]*)'/g)) out.set(m[2]!, m[1]!);
  }
  return out;
}

const PROMQL_WORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'and', 'or', 'unless', 'bool', 'offset', 'inf', 'nan', 'Inf', 'NaN']);

/**
 * The metric names a PromQL expression reads: what is left once strings, label matchers, range selectors,
 * grouping label lists and Grafana variables are removed, and is neither a function (followed by `(`) nor a keyword.
 */
export function metricNamesIn(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\$\{[^}]*\}|\$\w+/g, ' ');
  const out: string[] = [];
  for (const m of stripped.matchAll(/(?<![\w.:$])([A-Za-z_:][\w:]*)(?![\w:])(?!\s*\()/g)) if (!PROMQL_WORDS.has(m[1]!)) out.push(m[1]!);
  return out;
}

/** Why a metric name used in an alert or a panel is wrong, or undefined if Skyport (or Node, or Prometheus) has it. */
export function unknownMetric(name: string, defined: Map<string, string>): string | undefined {
  if (name === 'up' || /^(process|nodejs)_/.test(name)) return undefined;
  if (defined.has(name)) return defined.get(name) === 'Histogram' ? `${name} is a histogram: use ${name}_bucket, _sum or _count` : undefined;
  const base = name.replace(/_(bucket|sum|count)$/, '');
  if (base !== name && defined.has(base)) return ['Histogram', 'Summary', 'unknown'].includes(defined.get(base)!) ? undefined : `${name}: ${base} is a ${defined.get(base)}, not a histogram`;
  return `${name} is defined neither in libs/telemetry/src/metrics/skyport-metrics.ts nor in apps/api/src/metrics/api-metrics.ts`;
}

/** Brackets of an expression balance (a cheap syntax check; promtool is not available here). */
export function balanced(expr: string): boolean {
  const pairs: Record<string, string> = { ')': '(', '}': '{', ']': '[' };
  const stack: string[] = [];
  for (const ch of expr.replace(/"(?:[^"\\]|\\.)*"/g, '""')) {
    if ('({['.includes(ch)) stack.push(ch);
    else if (ch in pairs && stack.pop() !== pairs[ch]) return false;
  }
  return stack.length === 0;
}

/** Whether a ServiceMonitor's label selector selects an object with these labels. */
export function selects(selector: LabelSelector, labels: Record<string, string>): boolean {
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = e.key in labels;
    if (e.operator === 'In' && !(has && e.values.includes(labels[e.key]!))) return false;
    if (e.operator === 'NotIn' && has && e.values.includes(labels[e.key]!)) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}
