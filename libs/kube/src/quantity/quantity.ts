const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

/**
 * Parses a Kubernetes resource quantity (`250m`, `2`, `1.5Gi`, `500M`, `1e3`) into a plain number of base units
 * (cores, bytes, devices). Returns NaN for text that is not a quantity.
 */
export function parseQuantity(q: string | number | undefined | null): number {
  if (q === undefined || q === null) return 0;
  if (typeof q === 'number') return q;
  const m = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])?)$/.exec(q.trim());
  if (!m) return Number.NaN;
  const base = Number(m[1]);
  if (m[2]) return base * 10 ** Number(m[2].slice(1));
  const suffix = m[3] ?? '';
  return base * (BINARY[suffix] ?? DECIMAL[suffix] ?? Number.NaN);
}

/** CPU quantity in millicores, rounded up as the scheduler does. */
export function cpuMillis(q: string | number | undefined | null): number {
  return Math.ceil(parseQuantity(q) * 1000 - 1e-9);
}

/** Formats millicores as a quantity (`500m`, `2`). */
export function formatCpuMillis(millis: number): string {
  return millis % 1000 === 0 ? String(millis / 1000) : `${millis}m`;
}

/** Formats bytes as a quantity in Mi when exact, else bytes. */
export function formatBytes(bytes: number): string {
  const mi = bytes / 2 ** 20;
  if (Number.isInteger(mi)) return mi % 1024 === 0 ? `${mi / 1024}Gi` : `${mi}Mi`;
  return String(Math.ceil(bytes));
}
