import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

/** test/compat/allow-list.yaml: corpus id → why Skyport's verdict differs from SkyPilot's on purpose. */
export const ALLOW_LIST_FILE = path.resolve(__dirname, '..', 'allow-list.yaml');

export interface AllowEntry {
  reason: string;
  /** A feature Skyport does not support: its error message must say so (contain this text). */
  message?: string;
}

export function readAllowList(file = ALLOW_LIST_FILE): Map<string, AllowEntry> {
  const out = new Map<string, AllowEntry>();
  if (!existsSync(file)) return out;
  const doc = (parse(readFileSync(file, 'utf8')) ?? {}) as Record<string, unknown>;
  for (const [id, value] of Object.entries(doc)) {
    if (typeof value === 'string') out.set(id, { reason: value });
    else if (value && typeof value === 'object' && typeof (value as AllowEntry).reason === 'string') out.set(id, value as AllowEntry);
    else throw new Error(`${file}: entry '${id}' needs a reason (a string, or {reason, message})`);
  }
  return out;
}
