import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import IORedis from 'ioredis';
import { parse, stringify } from 'yaml';
import { KubeClientProvider, type KubeClients } from '@skyport/kube';
import { clusterScript, startKubeCluster } from '../kube';
import { DEFAULT_PORTS, repoRoot, stackDir } from '../paths';
import { postgresUrl, startPostgres } from '../postgres';
import { startRedis } from '../redis';
import { localRegistry, registryDockerConfig, type LocalRegistry } from '../registry';
import { run } from '../run';
import { bridgeAddress, localClusterInfo } from './cluster-info';
import { helm, helmReleaseExists, type HelmTarget } from './helm';
import type { KeeperConfig } from './keeper-config';
import { ensureKeeper, stopKeeper } from './keeper-process';
import { SELFHOST, selfhostDir, selfhostFiles } from './settings';

/** Where the install's Postgres and Redis run: the local stack's (relayed onto the pod bridge) or the chart's own. */
export type SelfhostDatabase = 'local' | 'in-cluster';

export interface SelfhostUpOptions {
  /** Extra `helm --set` values (e.g. api.replicas=3), applied over selfhost's own. */
  set?: string[];
  /** Default: what the existing install uses (an upgrade never moves it to other data), else `local`. */
  database?: SelfhostDatabase;
  log?: (line: string) => void;
}

export interface SelfhostEnv {
  SKYPORT_API_URL: string;
  SKYPORT_TOKEN_FILE: string;
}

const stderrLog = (line: string): void => void process.stderr.write(`${line}\n`);

/**
 * `npm run selfhost -- up`: Skyport as an operator runs it — the image built and pushed to the local registry, the
 * Helm chart installed in a real-node cluster, its services as pods with the chart's service accounts — against
 * the local stack's Postgres and Redis (a database and a Redis index of their own), reached through relays on the
 * pod bridge. Idempotent: a second `up` rebuilds only a changed image and upgrades the release.
 */
export async function selfhostUp(options: SelfhostUpOptions = {}): Promise<SelfhostEnv> {
  const log = options.log ?? stderrLog;
  mkdirSync(selfhostDir(), { recursive: true });

  const database = options.database ?? installedDatabase() ?? 'local';
  if (database === 'local') {
    const pg = startPostgres(stackDir(), DEFAULT_PORTS.postgres);
    await ensureDatabase(pg.url, SELFHOST.database);
    startRedis(stackDir(), DEFAULT_PORTS.redis);
    log(`postgres   ${postgresUrl(DEFAULT_PORTS.postgres, SELFHOST.database)}; redis 127.0.0.1:${DEFAULT_PORTS.redis}/${SELFHOST.redisDb}`);
  }

  const kube = startKubeCluster({ name: SELFHOST.cluster, layout: 'real' });
  const info = localClusterInfo(SELFHOST.cluster);
  if (!info?.podSubnet) throw new Error(`the local cluster '${SELFHOST.cluster}' has no pod subnet (is it a real-node layout?)`);
  const bridge = bridgeAddress(info.podSubnet);
  log(`kubernetes ${kube.context} (pods ${info.podSubnet}, host ${bridge})`);

  const registry = localRegistry();
  const image = buildImage(registry);
  log(`image      ${image}`);
  const dataImages = database === 'in-cluster' ? buildDataImages(registry) : undefined;
  if (dataImages) log(`postgres   in the release (${dataImages.postgres}); redis in the release (${dataImages.redis})`);

  const target: HelmTarget = { kubeconfig: kube.kubeconfig, context: kube.context, namespace: SELFHOST.namespace, release: SELFHOST.release };
  await ensureKeeper(keeperConfig(target, bridge, database));

  const clients = KubeClientProvider.fromSource({ paths: [kube.kubeconfig], env: {} }, [kube.context]).forContext(kube.context);
  await ensureNamespace(clients, SELFHOST.namespace);
  await applyPullSecret(clients, SELFHOST.namespace, registry);

  writeFileSync(selfhostFiles.values(), stringify(chartValues(image, registry, bridge, dataImages)));
  const args = ['upgrade', '--install', SELFHOST.release, join(repoRoot(), 'deploy', 'helm', 'skyport'), '-f', selfhostFiles.values(), '--wait', '--timeout', '15m'];
  for (const s of options.set ?? []) args.push('--set', s);
  log(`helm       upgrade --install ${SELFHOST.release} (namespace ${SELFHOST.namespace}; waits for every Deployment)`);
  helm(target, args);

  const token = await readAdminToken(clients, SELFHOST.namespace, `${SELFHOST.release}-admin-token`);
  writeFileSync(selfhostFiles.adminToken(), `${token}\n`, { mode: 0o600 });
  chmodSync(selfhostFiles.adminToken(), 0o600);
  return { SKYPORT_API_URL: `http://127.0.0.1:${SELFHOST.apiPort}`, SKYPORT_TOKEN_FILE: selfhostFiles.adminToken() };
}

/** `npm run selfhost -- down`: uninstalls the release, its namespace, data and cluster, and stops the keeper. */
export async function selfhostDown(log: (line: string) => void = stderrLog): Promise<void> {
  const info = localClusterInfo(SELFHOST.cluster);
  // the local stack's database and Redis index are this install's only when it used them (--database local)
  const usedLocalData = installedDatabase() !== 'in-cluster';
  if (info?.state === 'running') {
    const target: HelmTarget = { kubeconfig: info.kubeconfig, context: info.context, namespace: SELFHOST.namespace, release: SELFHOST.release };
    if (helmReleaseExists(target)) {
      log(`helm       uninstall ${SELFHOST.release}`);
      helm(target, ['uninstall', SELFHOST.release, '--wait', '--timeout', '5m']);
    }
  }
  await stopKeeper();
  if (info) {
    log(`kubernetes stopping ${info.context}`);
    const stop = () => run('bash', [clusterScript(), 'down', '--name', SELFHOST.cluster], { stdio: ['ignore', 2, 2], timeout: 5 * 60 * 1000 });
    let down = stop();
    if (down.status !== 0) {
      // Seen once right after the release's pods were deleted: a second `down` finished the teardown.
      log(`kubernetes cluster.sh down exited ${down.status}; trying once more`);
      down = stop();
    }
    if (down.status !== 0) throw new Error(`test/cluster/cluster.sh down --name ${SELFHOST.cluster} failed (exit ${down.status}); see the output above`);
  }
  if (usedLocalData) await dropData();
  rmSync(selfhostDir(), { recursive: true, force: true });
  log('selfhost removed');
}

function buildImage(registry: LocalRegistry): string {
  const script = join(repoRoot(), 'deploy', 'scripts', 'build-image.sh');
  const r = run('bash', [script, '--registry', registry.host, '--creds', `${registry.user}:${registry.password}`], { stdio: ['ignore', 'pipe', 2], timeout: 30 * 60 * 1000 });
  const ref = r.stdout.trim().split('\n').pop() ?? '';
  if (r.status !== 0 || !ref) throw new Error(`deploy/scripts/build-image.sh failed (exit ${r.status}); see the output above`);
  return ref;
}

/** PostgreSQL and Redis from Debian packages (deploy/scripts/build-compose-images.sh), pushed for the chart's own. */
function buildDataImages(registry: LocalRegistry): { postgres: string; redis: string } {
  const script = join(repoRoot(), 'deploy', 'scripts', 'build-compose-images.sh');
  const r = run('bash', [script, '--push', registry.host, '--creds', `${registry.user}:${registry.password}`], { stdio: ['ignore', 'pipe', 2], timeout: 30 * 60 * 1000 });
  const found = Object.fromEntries([...r.stdout.matchAll(/^SKYPORT_(POSTGRES|REDIS)_IMAGE=(\S+)$/gm)].map((m) => [m[1]!, m[2]!]));
  if (r.status !== 0 || !found.POSTGRES || !found.REDIS) throw new Error(`deploy/scripts/build-compose-images.sh failed (exit ${r.status}); see the output above`);
  return { postgres: found.POSTGRES, redis: found.REDIS };
}

/** The data an existing install uses, from the values `up` last installed it with (undefined: no install yet). */
function installedDatabase(): SelfhostDatabase | undefined {
  if (!existsSync(selfhostFiles.values())) return undefined;
  const values = parse(readFileSync(selfhostFiles.values(), 'utf8')) as { postgresql?: { enabled?: boolean } } | null;
  return values?.postgresql?.enabled ? 'in-cluster' : 'local';
}

function keeperConfig(target: HelmTarget, bridge: string, database: SelfhostDatabase): KeeperConfig {
  return {
    kubeconfig: target.kubeconfig,
    context: target.context,
    namespace: target.namespace,
    api: { selector: `app.kubernetes.io/instance=${target.release},app.kubernetes.io/component=api`, targetPort: 26580, localPort: SELFHOST.apiPort },
    relays: database === 'in-cluster' ? [] : [
      { name: 'postgres', listenHost: bridge, listenPort: DEFAULT_PORTS.postgres, targetHost: '127.0.0.1', targetPort: DEFAULT_PORTS.postgres },
      { name: 'redis', listenHost: bridge, listenPort: DEFAULT_PORTS.redis, targetHost: '127.0.0.1', targetPort: DEFAULT_PORTS.redis },
    ],
    readyFile: selfhostFiles.keeperReady(),
  };
}

/**
 * selfhost's chart values: the pushed image, the pull secret, two replicas of api and provisioner, and either the
 * relayed local stack or the chart's own Postgres and Redis, on volumes as an operator's trial install has them (the
 * real-node cluster's default StorageClass, local-path: directories on this machine, removed with the cluster).
 */
function chartValues(image: string, registry: LocalRegistry, bridge: string, dataImages?: { postgres: string; redis: string }): Record<string, unknown> {
  const split = (ref: string) => ({ repository: ref.slice(0, ref.lastIndexOf(':')), tag: ref.slice(ref.lastIndexOf(':') + 1) });
  const data = dataImages
    ? {
        postgresql: { enabled: true, image: { ...split(dataImages.postgres), pullPolicy: 'IfNotPresent' }, persistence: { size: '1Gi' } },
        redis: { enabled: true, image: { ...split(dataImages.redis), pullPolicy: 'IfNotPresent' }, persistence: { size: '256Mi' } },
      }
    : {
        externalDatabase: { url: `postgres://skyport@${bridge}:${DEFAULT_PORTS.postgres}/${SELFHOST.database}` },
        externalRedis: { url: `redis://${bridge}:${DEFAULT_PORTS.redis}/${SELFHOST.redisDb}` },
      };
  return {
    image: { ...split(image), pullPolicy: 'IfNotPresent' },
    imagePullSecrets: [{ name: SELFHOST.pullSecret }],
    ...data,
    tasks: { defaultImage: registry.defaultImage, registryAuth: { existingSecret: SELFHOST.pullSecret, secretName: SELFHOST.pullSecret } },
    api: { replicas: 2 },
    provisioner: { replicas: 2 },
  };
}

async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE "${database}"`);
  } finally {
    await client.end();
  }
}

async function dropData(): Promise<void> {
  const client = new Client({ connectionString: postgresUrl(DEFAULT_PORTS.postgres) });
  try {
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS "${SELFHOST.database}" WITH (FORCE)`);
  } catch {
    // the local Postgres is not running: nothing to drop
  } finally {
    await client.end().catch(() => undefined);
  }
  const redis = new IORedis({ host: '127.0.0.1', port: DEFAULT_PORTS.redis, db: SELFHOST.redisDb, lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
  redis.on('error', () => undefined); // a stopped Redis is answered below; without a listener ioredis prints a stack
  try {
    await redis.connect();
    await redis.flushdb();
  } catch {
    // the local Redis is not running
  } finally {
    redis.disconnect();
  }
}

async function ensureNamespace(clients: KubeClients, name: string): Promise<void> {
  try {
    await clients.core.readNamespace({ name });
  } catch {
    await clients.core.createNamespace({ body: { metadata: { name } } });
  }
}

/** The registry's credentials as a dockerconfigjson Secret: the chart's pods pull the image with it, task pods too. */
async function applyPullSecret(clients: KubeClients, namespace: string, registry: LocalRegistry): Promise<void> {
  const config = registryDockerConfig(registry);
  const body = {
    metadata: { name: SELFHOST.pullSecret, namespace },
    type: 'kubernetes.io/dockerconfigjson',
    data: { '.dockerconfigjson': Buffer.from(config).toString('base64') },
  };
  try {
    await clients.core.replaceNamespacedSecret({ name: SELFHOST.pullSecret, namespace, body });
  } catch {
    await clients.core.createNamespacedSecret({ namespace, body });
  }
}

async function readAdminToken(clients: KubeClients, namespace: string, name: string): Promise<string> {
  const secret = await clients.core.readNamespacedSecret({ name, namespace });
  const value = secret.data?.token;
  if (!value) throw new Error(`the Secret ${namespace}/${name} has no key 'token'`);
  return Buffer.from(value, 'base64').toString('utf8').trim();
}
