import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureGrpcCerts } from './grpc-certs';
import { DEFAULT_PORTS, stackDir } from './paths';
import { postgresRunning, startPostgres, stopPostgres, postgresUrl } from './postgres';
import { redisRunning, startRedis, stopRedis, redisUrl } from './redis';
import { stackSecretsKey } from './secrets-key';
import { kubeAvailable, localClusterName, startKubeCluster, stopKubeClusters } from './kube';
import { layoutRunsContainers, registryEnv } from './registry';

export interface StackEnv {
  SKYPORT_DATABASE_URL: string;
  SKYPORT_REDIS_URL: string;
  KUBECONFIG?: string;
  SKYPORT_KUBE_CONTEXT?: string;
  /** Real-container layouts: the registry's task image and its pull credentials (node-image.defaults.ts). */
  SKYPORT_DEFAULT_IMAGE?: string;
  SKYPORT_REGISTRY_AUTH_FILE?: string;
  SKYPORT_SECRETS_KEY?: string;
}

export interface StackUpOptions {
  kube?: boolean;
  kubeName?: string;
  kubeLayout?: string;
  log?: (line: string) => void;
}

/** Starts Postgres, Redis and (optionally) a local Kubernetes cluster; a no-op for what is already running. */
export function stackUp(options: StackUpOptions = {}): StackEnv {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const dir = stackDir();
  mkdirSync(dir, { recursive: true });
  const pg = startPostgres(dir, DEFAULT_PORTS.postgres);
  log(`postgres  ${pg.url}`);
  const redis = startRedis(dir, DEFAULT_PORTS.redis);
  log(`redis     ${redis.url}`);
  const env: StackEnv = { SKYPORT_DATABASE_URL: pg.url, SKYPORT_REDIS_URL: redis.url, SKYPORT_SECRETS_KEY: stackSecretsKey() };
  // mTLS between the services: a CA and a certificate per service, made once (the services get them at start).
  log(`grpc tls  ${ensureGrpcCerts()}`);
  if (options.kube !== false) {
    if (kubeAvailable()) {
      const layout = options.kubeLayout ?? 'small';
      const name = options.kubeName ?? localClusterName(layout);
      const kube = startKubeCluster({ name, layout });
      env.KUBECONFIG = kube.kubeconfig;
      env.SKYPORT_KUBE_CONTEXT = kube.context;
      log(`kubernetes ${kube.context} (layout ${layout}, kubeconfig ${kube.kubeconfig})`);
      if (layoutRunsContainers(layout)) {
        Object.assign(env, registryEnv(dir));
        log(`registry  default image ${env.SKYPORT_DEFAULT_IMAGE} (pull credentials ${env.SKYPORT_REGISTRY_AUTH_FILE})`);
      }
    } else {
      log('kubernetes: the local control plane is not available in this checkout (test/cluster/cluster.sh missing)');
    }
  }
  writeFileSync(join(dir, 'env'), Object.entries(env).map(([k, v]) => `export ${k}=${String(v)}`).join('\n') + '\n');
  chmodSync(join(dir, 'env'), 0o600); // it holds SKYPORT_SECRETS_KEY
  return env;
}

export function stackDown(options: { kube?: boolean } = {}): void {
  const dir = stackDir();
  if (options.kube !== false) stopKubeClusters();
  stopRedis(dir, DEFAULT_PORTS.redis);
  stopPostgres(dir);
}

export function stackStatus(): Record<string, string> {
  const dir = stackDir();
  return {
    postgres: postgresRunning(dir) ? `running ${postgresUrl(DEFAULT_PORTS.postgres)}` : 'stopped',
    redis: redisRunning(DEFAULT_PORTS.redis) ? `running ${redisUrl(DEFAULT_PORTS.redis)}` : 'stopped',
    stateDir: dir,
  };
}
