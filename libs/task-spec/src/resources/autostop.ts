import type { AutostopSpec } from '../types/task-spec.types';
import { ResourceSyntaxError } from './resource-syntax-error';

/** SkyPilot's default idle time when autostop is simply `true`. */
export const DEFAULT_AUTOSTOP_IDLE_MINUTES = 5;

const DURATION = /^(\d+)\s*(m|h|d|w)?$/i;
const MINUTES_PER_UNIT: Record<string, number> = { m: 1, h: 60, d: 60 * 24, w: 60 * 24 * 7 };

/** `autostop`: `true`/`false`, minutes (`10`), a duration (`'30m'`, `'2h'`), or `{idle_minutes, down}`. */
export function parseAutostop(value: unknown): AutostopSpec | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'boolean') return { enabled: value, idleMinutes: DEFAULT_AUTOSTOP_IDLE_MINUTES, down: false };
  // A negative number of minutes turns autostop off, as `sky autostop -i -1` does.
  if (typeof value === 'number' && value < 0) return { enabled: false, idleMinutes: DEFAULT_AUTOSTOP_IDLE_MINUTES, down: false };
  if (typeof value === 'number' || typeof value === 'string') {
    return { enabled: true, idleMinutes: parseIdleMinutes(value), down: false };
  }
  if (typeof value === 'object') {
    const obj = value as { idle_minutes?: number; down?: boolean };
    return { enabled: true, idleMinutes: obj.idle_minutes ?? DEFAULT_AUTOSTOP_IDLE_MINUTES, down: obj.down ?? false };
  }
  throw new ResourceSyntaxError(`'${String(value)}' is not an autostop setting`);
}

/** `10`, `'10'`, `'30m'`, `'2h'`, `'1d'` → minutes. Used for `-i` on the command line too. */
export function parseIdleMinutes(value: number | string): number {
  const text = String(value).trim();
  const match = DURATION.exec(text);
  if (!match) throw new ResourceSyntaxError(`'${text}' is not an idle time: use minutes (10) or a duration such as '30m', '2h' or '1d'`);
  return Number(match[1]) * MINUTES_PER_UNIT[(match[2] ?? 'm').toLowerCase()];
}
