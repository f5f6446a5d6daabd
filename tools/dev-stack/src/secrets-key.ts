import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stackDir } from './paths';

/**
 * The local stack's SKYPORT_SECRETS_KEY (task secrets are sealed with it): made once, kept in the stack's state
 * directory (mode 0600), and given to every service the stack starts, so the api and the provisioner share it.
 * A key already in the environment wins.
 */
export function stackSecretsKey(): string {
  if (process.env.SKYPORT_SECRETS_KEY) return process.env.SKYPORT_SECRETS_KEY;
  const dir = stackDir();
  const file = join(dir, 'secrets-key');
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true });
    try {
      writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    } catch {
      // another process made it first: use theirs
    }
  }
  return readFileSync(file, 'utf8').trim();
}
