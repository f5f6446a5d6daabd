import { stringify } from 'yaml';
import type { CliContext } from '../context/cli-context';

export type OutputFormat = 'table' | 'json';

export function parseOutputFormat(value: string): OutputFormat {
  if (value === 'json' || value === 'table') return value;
  throw new Error(`'${value}' is not an output format: use 'json' or 'table'`);
}

/** `-o json`: one JSON document on stdout, nothing else there. */
export function printJson(ctx: CliContext, value: unknown): void {
  ctx.out(JSON.stringify(value, null, 2));
}

/** A response whose shape this CLI does not know in detail, shown readably (YAML-like). */
export function printDocument(ctx: CliContext, value: unknown): void {
  const text = stringify(value, { lineWidth: 0 }).trimEnd();
  ctx.out(text);
}

/** `3m ago`, `2h ago`, `5d ago`. */
export function ago(iso: string | undefined, now = Date.now()): string {
  if (!iso) return '-';
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (!Number.isFinite(seconds)) return '-';
  if (seconds < 60) return `${seconds}s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ago`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)}h ago`;
  return `${Math.floor(seconds / 86400)}d ago`;
}

/** `1m 5s`, `2h 3m`. */
export function duration(fromIso: string | undefined, toIso?: string, now = Date.now()): string {
  if (!fromIso) return '-';
  const seconds = Math.max(0, Math.round(((toIso ? Date.parse(toIso) : now) - Date.parse(fromIso)) / 1000));
  if (!Number.isFinite(seconds)) return '-';
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ${seconds % 60}s`;
  return `${Math.floor(seconds / 3600)}h ${Math.floor((seconds % 3600) / 60)}m`;
}
