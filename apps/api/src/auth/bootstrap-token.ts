import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ConfigError } from '@skyport/service-kit';
import type { ApiConfig } from '../config';
import { looksLikeToken } from './token-secret';

/** Where the bootstrap admin's token comes from when the operator chose it (and so it is never printed). */
export interface ChosenBootstrapToken {
  token: string;
  /** For the log: `SKYPORT_BOOTSTRAP_TOKEN` or the file's path. */
  from: string;
}

type BootstrapTokenSettings = Pick<ApiConfig, 'SKYPORT_BOOTSTRAP_TOKEN' | 'SKYPORT_BOOTSTRAP_TOKEN_FILE'>;

/**
 * The operator's chosen token: SKYPORT_BOOTSTRAP_TOKEN, else the content of SKYPORT_BOOTSTRAP_TOKEN_FILE when that
 * file exists (a mounted Kubernetes Secret, a file the operator wrote, or the one a previous start wrote).
 * Undefined when neither is there: the caller makes a token and writes it to the file. A file that exists but
 * holds no usable token is a configuration error naming the file (never its content).
 */
export function chosenBootstrapToken(config: BootstrapTokenSettings): ChosenBootstrapToken | undefined {
  if (config.SKYPORT_BOOTSTRAP_TOKEN) return { token: config.SKYPORT_BOOTSTRAP_TOKEN, from: 'SKYPORT_BOOTSTRAP_TOKEN' };
  const file = resolve(config.SKYPORT_BOOTSTRAP_TOKEN_FILE);
  let content: string;
  try {
    content = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ConfigError([`skyport-api: configuration error: SKYPORT_BOOTSTRAP_TOKEN_FILE ${file} cannot be read (${(error as Error).message})`]);
  }
  const token = content.trim();
  if (!looksLikeToken(token)) {
    throw new ConfigError([
      `skyport-api: configuration error: SKYPORT_BOOTSTRAP_TOKEN_FILE ${file} holds no usable token: expected 20 to 200 printable ` +
        'characters without spaces (e.g. `skp_` followed by `openssl rand -hex 20`); fix it, or delete the file to have one made',
    ]);
  }
  return { token, from: file };
}

/** Writes a token the api made to SKYPORT_BOOTSTRAP_TOKEN_FILE (mode 0600); returns the path, or the reason it could not. */
export function writeBootstrapToken(config: BootstrapTokenSettings, token: string): { file: string; error?: string } {
  const file = resolve(config.SKYPORT_BOOTSTRAP_TOKEN_FILE);
  try {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(file, `${token}\n`, { mode: 0o600 });
    chmodSync(file, 0o600);
    return { file };
  } catch (error) {
    return { file, error: error instanceof Error ? error.message : String(error) };
  }
}
