import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { clusterScript } from './kube';
import { stackDir } from './paths';
import { run } from './run';

/** The local OCI registry of the `real` layout (test/cluster: `cluster.sh registry --json`). */
export interface LocalRegistry {
  host: string;
  user: string;
  password: string;
  /** The default task image (Debian with bash, python3, tar, rsync, procps, curl, ssh): public in the registry. */
  defaultImage: string;
  /** A small image in a repository that needs the credentials to pull. */
  privateImage: string;
}

/** Layouts whose nodes run real containers: their tasks pull from the local registry. */
export function layoutRunsContainers(layout: string): boolean {
  return layout === 'real' || layout === 'mixed';
}

export function localRegistry(): LocalRegistry {
  const r = run('bash', [clusterScript(), 'registry', '--json'], { timeout: 30 * 60 * 1000 });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  let parsed: { registry?: string; user?: string; password?: string; defaultImage?: string; privateImage?: string } = {};
  try {
    parsed = JSON.parse(line) as typeof parsed;
  } catch {
    // reported below
  }
  const { registry: host, user, password, defaultImage, privateImage } = parsed;
  if (r.status !== 0 || !host || !user || !password || !defaultImage || !privateImage) {
    throw new Error(`test/cluster/cluster.sh registry --json did not describe the registry (exit ${r.status}): ${r.stderr.trim().split('\n').pop() ?? ''}`);
  }
  return { host, user, password, defaultImage, privateImage };
}

/** The registry's task image; SKYPORT_DEFAULT_IMAGE, when set, wins. */
export function defaultTaskImage(registry: LocalRegistry): string {
  return process.env.SKYPORT_DEFAULT_IMAGE || registry.defaultImage;
}

/** A Docker config.json (`{"auths": ...}`) with the registry's credentials: a pull Secret's or an auth file's. */
export function registryDockerConfig(registry: LocalRegistry): string {
  const auth = Buffer.from(`${registry.user}:${registry.password}`).toString('base64');
  return JSON.stringify({ auths: { [registry.host]: { username: registry.user, password: registry.password, auth } } });
}

/** A Docker config.json with the registry's credentials (mode 600), for SKYPORT_REGISTRY_AUTH_FILE. */
export function writeRegistryAuthFile(registry: LocalRegistry, dir = stackDir()): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'registry-auth.json');
  writeFileSync(file, `${registryDockerConfig(registry)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return file;
}

/** What the services need to run tasks from the local registry: the default image and the pull credentials. */
export function registryEnv(dir = stackDir()): { SKYPORT_DEFAULT_IMAGE: string; SKYPORT_REGISTRY_AUTH_FILE: string } {
  const registry = localRegistry();
  return { SKYPORT_DEFAULT_IMAGE: defaultTaskImage(registry), SKYPORT_REGISTRY_AUTH_FILE: writeRegistryAuthFile(registry, dir) };
}
