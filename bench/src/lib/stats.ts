/** Summary statistics of a sample, in the sample's unit. Percentiles are nearest-rank on the sorted sample. */
export interface Summary {
  n: number;
  p50: number;
  p99: number;
  min: number;
  max: number;
  mean: number;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export function summarize(sample: readonly number[]): Summary {
  const sorted = [...sample].sort((a, b) => a - b);
  const mean = sorted.reduce((s, v) => s + v, 0) / (sorted.length || 1);
  return { n: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), min: sorted[0] ?? NaN, max: sorted[sorted.length - 1] ?? NaN, mean };
}

export function median(sample: readonly number[]): number {
  return percentile([...sample].sort((a, b) => a - b), 50);
}

export const round = (v: number, digits = 1): number => (Number.isFinite(v) ? Number(v.toFixed(digits)) : v);

export function fmtSummary(s: Summary, unit = 'ms'): string {
  return `p50 ${round(s.p50)} ${unit}  p99 ${round(s.p99)} ${unit}  (n=${s.n}, min ${round(s.min)}, max ${round(s.max)})`;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
