import type { PortRange } from '../types/task-spec.types';
import { ResourceSyntaxError } from './resource-syntax-error';

const RANGE = /^(\d+)\s*-\s*(\d+)$/;

/** `ports`: `8000`, `'8000'`, `'8000-8010'`, or a list of those. Overlaps are merged, order kept sorted. */
export function parsePorts(value: number | string | Array<number | string> | null | undefined): PortRange[] {
  if (value === null || value === undefined) return [];
  // SkyPilot also reads one string with commas: '8080,8081' or '8080, 8090-8092'.
  const items = (Array.isArray(value) ? value : [value]).flatMap((item) => (typeof item === 'string' && item.includes(',') ? item.split(',') : [item]));
  const ranges = items.map(parseOne).sort((a, b) => a.from - b.from);
  const merged: PortRange[] = [];
  for (const range of ranges) {
    const last = merged[merged.length - 1];
    if (last && range.from <= last.to + 1) last.to = Math.max(last.to, range.to);
    else merged.push({ ...range });
  }
  return merged;
}

function parseOne(item: number | string): PortRange {
  const text = String(item).trim();
  let from: number;
  let to: number;
  const range = RANGE.exec(text);
  if (range) {
    from = Number(range[1]);
    to = Number(range[2]);
  } else if (/^\d+$/.test(text)) {
    from = to = Number(text);
  } else {
    throw new ResourceSyntaxError(`'${text}' is not a port: use a number such as 8000, a range such as '8000-8010' or a comma-separated list of them`);
  }
  for (const port of [from, to]) {
    if (port < 1 || port > 65535) throw new ResourceSyntaxError(`port ${port} is out of range: ports are 1-65535`);
  }
  if (from > to) throw new ResourceSyntaxError(`the port range '${text}' is reversed: write '${to}-${from}'`);
  return { from, to };
}

export function formatPorts(ports: PortRange[]): string[] {
  return ports.map((p) => (p.from === p.to ? String(p.from) : `${p.from}-${p.to}`));
}
