import { ErrorCode, SkyportError } from '@skyport/contracts';

export interface AutostopBody {
  /** Minutes of idleness before the cluster is torn down; -1 turns autostop off. */
  idleMinutes: number;
  down: boolean;
}

const MAX_MINUTES = 60 * 24 * 365;

export function readAutostopBody(raw: unknown): AutostopBody {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new SkyportError(ErrorCode.InvalidRequest, 'the request body must be {"idleMinutes": N, "down": true|false} (idleMinutes -1 turns autostop off)');
  }
  const body = raw as Record<string, unknown>;
  const unknown = Object.keys(body).filter((k) => k !== 'idleMinutes' && k !== 'down');
  if (unknown.length) throw new SkyportError(ErrorCode.InvalidRequest, `unknown field(s): ${unknown.join(', ')}; use "idleMinutes" and "down"`);
  const minutes = body.idleMinutes;
  if (typeof minutes !== 'number' || !Number.isInteger(minutes) || minutes < -1 || minutes > MAX_MINUTES) {
    throw new SkyportError(ErrorCode.InvalidRequest, `"idleMinutes" must be a whole number of minutes from 0 to ${MAX_MINUTES}, or -1 to turn autostop off`);
  }
  if (body.down !== undefined && typeof body.down !== 'boolean') throw new SkyportError(ErrorCode.InvalidRequest, '"down" must be true or false');
  return { idleMinutes: minutes, down: body.down === true };
}
