import { AutostopBodySchema, readRestBody, type AutostopBody } from '@skyport/contracts';

export type { AutostopBody };

/** `{"idleMinutes": N, "down": bool}` (-1 turns autostop off), read with its contract schema. */
export function readAutostopBody(raw: unknown): AutostopBody {
  return readRestBody(AutostopBodySchema, raw);
}
