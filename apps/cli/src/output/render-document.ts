import type { CliContext } from '../context/cli-context';
import { printDocument } from './print';
import { renderTable } from './table';

function isRow(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.values(value).every((v) => v === null || typeof v !== 'object');
}

function header(key: string): string {
  return key.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase();
}

function cell(value: unknown): string {
  if (value === null || value === undefined || value === '') return '-';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : value.toFixed(2);
  return String(value);
}

/**
 * Shows an answer whose exact shape another issue owns (check, show-gpus, cost-report, api info): lists of
 * flat records become aligned tables under their key, plain values become `Key: value` lines, and anything
 * else is printed as YAML. `-o json` bypasses this and prints the answer as sent.
 */
export function renderDocument(ctx: CliContext, value: unknown, title?: string): void {
  if (title) ctx.out(ctx.colors.bold(title));
  if (Array.isArray(value) && value.every(isRow)) {
    ctx.out(value.length ? tableOf(ctx, value) : '(none)');
    return;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    printDocument(ctx, value);
    return;
  }
  for (const [key, v] of Object.entries(value)) {
    if (Array.isArray(v) && v.length > 0 && v.every(isRow)) {
      ctx.out(`${ctx.colors.bold(key)}:`);
      ctx.out(tableOf(ctx, v));
    } else if (v === null || typeof v !== 'object') {
      ctx.out(`${ctx.colors.bold(key)}: ${cell(v)}`);
    } else {
      ctx.out(`${ctx.colors.bold(key)}:`);
      printDocument(ctx, v);
    }
  }
}

function tableOf(ctx: CliContext, rows: Array<Record<string, unknown>>): string {
  const keys = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  return renderTable(keys.map(header), rows.map((r) => keys.map((k) => cell(r[k]))), ctx.colors);
}
