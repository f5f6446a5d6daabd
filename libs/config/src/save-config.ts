import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { parseSkyportConfig } from './load-config';

/**
 * Writes `api.endpoint` / `api.token` into the config file (`skyport api login`), keeping every other key and
 * comment. The file holds a token, so it is created readable by its owner only.
 */
export function saveApiSettings(file: string, settings: { endpoint?: string; token?: string }): void {
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const doc = parseDocument(text);
  if (doc.contents === null) doc.contents = doc.createNode({}) as never;
  if (settings.endpoint !== undefined) doc.setIn(['api', 'endpoint'], settings.endpoint);
  if (settings.token !== undefined) doc.setIn(['api', 'token'], settings.token);
  const out = doc.toString();
  parseSkyportConfig(out, file); // never write a file we would refuse to read
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, out, { mode: 0o600 });
  chmodSync(file, 0o600);
}
