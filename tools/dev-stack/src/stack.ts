import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureGrpcCerts } from './grpc-certs';
import { DEFAULT_PORTS, stackDir } from './paths';
import { postgresRunning, startPostgres, stopPostgres, postgresUrl } from './postgres';
import { redisRunning, startRedis, stopRedis, redisUrl } from './redis';
import { stackSecretsKey } from './secrets-key';
import { kubeAvailable, localClusterName, startKubeCluster, stopKubeClusters } from './kube';
import { layoutRunsContainers, registryEnv } from './registry';
import { motoRunning, motoUrl, startMoto, STACK_S3_KEYS, stopMoto } from './moto';

export interface StackEnv {
  SKYPORT_DATABASE_URL: string;
  SKYPORT_REDIS_URL: string;
  KUBECONFIG?: string;
  SKYPORT_KUBE_CONTEXT?: string;
  /** Real-container layouts: the registry's task image and its pull credentials (node-image.defaults.ts). */
  SKYPORT_DEFAULT_IMAGE?: string;
  SKYPORT_REGISTRY_AUTH_FILE?: string;
  SKYPORT_SECRETS_KEY?: string;
  /** The stack's moto as the services' S3 endpoint (moto.ts), with dummy keys; unset when moto could not start. */
  SKYPORT_S3_ENDPOINT?: string;
  SKYPORT_S3_ACCESS_KEY_ID?: string;
  SKYPORT_S3_SECRET_ACCESS_KEY?: string;
}

export interface StackUpOptions {
  kube?: boolean;
  kubeName?: string;
  kubeLayout?: string;
  /** Also start moto as the services' S3 endpoint (the CLI's up and env; off for programmatic callers). */
  s3?: boolean;
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
  // Before the cluster: a real layout's S3 mount driver (test/cluster/s3-mount.sh) is pointed at it when it starts.
  const mountEnv: Record<string, string> = {};
  if (options.s3) {
    const s3 = startMoto(dir, DEFAULT_PORTS.moto, log);
    if ('endpoint' in s3) {
      Object.assign(env, { SKYPORT_S3_ENDPOINT: s3.endpoint, SKYPORT_S3_ACCESS_KEY_ID: STACK_S3_KEYS.accessKeyId, SKYPORT_S3_SECRET_ACCESS_KEY: STACK_S3_KEYS.secretAccessKey });
      Object.assign(mountEnv, { SKYPORT_S3_MOUNT_ENDPOINT: s3.endpoint, SKYPORT_S3_MOUNT_ACCESS_KEY_ID: STACK_S3_KEYS.accessKeyId, SKYPORT_S3_MOUNT_SECRET_ACCESS_KEY: STACK_S3_KEYS.secretAccessKey });
      log(`s3        ${s3.endpoint} (moto; buckets in file_mounts work, keys ${STACK_S3_KEYS.accessKeyId})`);
    } else {
      log(`s3        off — the services get no S3 endpoint, so a launch with buckets in file_mounts fails: ${s3.off}`);
    }
  }
  if (options.kube !== false) {
    if (kubeAvailable()) {
      const layout = options.kubeLayout ?? 'small';
      const name = options.kubeName ?? localClusterName(layout);
      const kube = startKubeCluster({ name, layout, env: mountEnv });
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
  stopMoto(dir);
  stopRedis(dir, DEFAULT_PORTS.redis);
  stopPostgres(dir);
}

export function stackStatus(): Record<string, string> {
  const dir = stackDir();
  return {
    postgres: postgresRunning(dir) ? `running ${postgresUrl(DEFAULT_PORTS.postgres)}` : 'stopped',
    redis: redisRunning(DEFAULT_PORTS.redis) ? `running ${redisUrl(DEFAULT_PORTS.redis)}` : 'stopped',
    s3: motoRunning(dir, DEFAULT_PORTS.moto) ? `running ${motoUrl(DEFAULT_PORTS.moto)} (moto)` : 'stopped',
    stateDir: dir,
  };
}
