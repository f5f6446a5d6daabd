import type { PortRange } from '@skyport/task-spec';

/** The ports a task opens, each once and in order (a range opens at most its first 100 ports). */
export function expandPorts(ranges: readonly PortRange[]): number[] {
  return [...new Set(ranges.flatMap((r) => Array.from({ length: Math.min(r.to - r.from + 1, 100) }, (_, i) => r.from + i)))].sort((a, b) => a - b);
}
