import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** The repository root: the nearest ancestor of this file holding nx.json. */
export function repoRoot(): string {
  let dir = resolve(__dirname);
  while (!existsSync(join(dir, 'nx.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the Skyport repository root (no nx.json above this file)');
    dir = parent;
  }
  return dir;
}

/** Project-local, git-ignored state of the local stack. */
export function stackDir(): string {
  return process.env.SKYPORT_STACK_DIR ?? join(repoRoot(), '.skyport', 'stack');
}

/**
 * Ports of the local Postgres and Redis: below Linux's ephemeral range (32768–60999), where a kernel-chosen source
 * port of some other connection cannot take them. SKYPORT_STACK_PG_PORT / _REDIS_PORT / _MOTO_PORT move them.
 */
export const DEFAULT_PORTS = {
  postgres: Number(process.env.SKYPORT_STACK_PG_PORT ?? 26432),
  redis: Number(process.env.SKYPORT_STACK_REDIS_PORT ?? 26379),
  /** The quick start's S3 (moto); the tests' own moto is on 26450 (test/cloud/moto.sh). */
  moto: Number(process.env.SKYPORT_STACK_MOTO_PORT ?? 26455),
};
