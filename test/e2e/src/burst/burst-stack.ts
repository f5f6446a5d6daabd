import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AwsProvider, loadOrCreateSshKey } from '@skyport/cloud-aws';
import { testAwsEndpoint } from '@skyport/cloud-aws/testing';
import { SkyportClient } from '@skyport/client';
import { freePort, freshTestBackends, repoRoot, startService, type RunningService } from '@skyport/dev-stack';
import { runMigrations } from '@skyport/persistence';
import { startTestSshd, type TestSshd } from '@skyport/ssh/testing';

/** The local clusters of the burst suites: a CPU "on-prem", a GPU context, and a full one. */
export const CLUSTERS = {
  onprem: { name: 'burst-a', layout: 'small', nodes: 2 },
  gpu: { name: 'burst-g', layout: 'gpu', nodes: 1 },
  congested: { name: 'burst-c', layout: 'congested', nodes: 4 },
} as const;

export const contextOf = (name: string) => `skyport-${name}`;

const clusterScript = () => join(repoRoot(), 'test', 'cluster', 'cluster.sh');

/** `cluster.sh up` (idempotent); returns the merged kubeconfig path. */
export function clusterUp(name: string, layout: string, nodes: number): string {
  const out = execFileSync('bash', [clusterScript(), 'up', '--name', name, '--layout', layout, '--nodes', String(nodes)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    timeout: 40 * 60_000,
  });
  return out.trim().split('\n').pop()!;
}

function running(name: string): boolean {
  try {
    const out = execFileSync('bash', [clusterScript(), 'status', '--name', name, '--json'], { encoding: 'utf8', timeout: 60_000 });
    return (JSON.parse(out) as Array<{ state: string }>).some((c) => c.state === 'running');
  } catch {
    return false;
  }
}

export function clusterDown(name: string): void {
  execFileSync('bash', [clusterScript(), 'down', '--name', name], { stdio: ['ignore', 'ignore', 'inherit'], timeout: 5 * 60_000 });
}

export function kubectl(cluster: string, args: string[]): string {
  return execFileSync('bash', [clusterScript(), 'kubectl', '--name', cluster, '--', ...args], { encoding: 'utf8', timeout: 60_000 });
}

/** Names of the pods of a Skyport cluster in a context (every namespace). */
export function podsOf(cluster: string, skyportCluster: string): string[] {
  const out = kubectl(cluster, ['get', 'pods', '-A', '-l', `skyport.dev/cluster=${skyportCluster}`, '-o', 'jsonpath={range .items[*]}{.metadata.name}{"\\n"}{end}']);
  return out.split('\n').filter(Boolean);
}

export interface BurstStack {
  client: SkyportClient;
  aws: AwsProvider;
  sshd: TestSshd;
  kubeconfig: string;
  services: RunningService[];
  output(): string;
  stop(): Promise<void>;
}

const TOKEN = 'skyport-burst-e2e-token-0123456789';

/**
 * The whole system for the burst suites: three local clusters, moto for EC2, a local sshd standing in for every
 * VM (through the provisioner's test-only SSH override), and api + optimizer + provisioner as processes.
 */
export async function startBurstStack(opts: { provisionTimeoutSeconds?: number; contextConfigs?: string } = {}): Promise<BurstStack> {
  let kubeconfig = '';
  // Clusters this run starts are stopped at the end (2 cores: idle control planes still cost); ones already
  // running (a developer's, or SKYPORT_KEEP_BURST_CLUSTERS=1) are left as they were.
  const startedHere: string[] = [];
  for (const c of Object.values(CLUSTERS)) {
    if (!running(c.name) && process.env.SKYPORT_KEEP_BURST_CLUSTERS !== '1') startedHere.push(c.name);
    kubeconfig = clusterUp(c.name, c.layout, c.nodes);
  }
  const contexts = [CLUSTERS.congested, CLUSTERS.onprem, CLUSTERS.gpu].map((c) => contextOf(c.name));
  const endpoint = testAwsEndpoint();
  const dir = mkdtempSync(join(tmpdir(), 'skyport-burst-'));
  const keyDir = join(dir, 'ssh');
  const key = loadOrCreateSshKey(keyDir);
  const sshd = await startTestSshd([key.publicKey]);
  const configFile = join(dir, 'config.yaml');
  writeFileSync(
    configFile,
    [
      'allowed_clouds: [aws, gcp]',
      'kubernetes:',
      `  allowed_contexts: [${contexts.join(', ')}]`,
      `  provision_timeout: ${opts.provisionTimeoutSeconds ?? 10}`,
      ...(opts.contextConfigs ? ['  context_configs:', opts.contextConfigs] : []),
      '',
    ].join('\n'),
  );
  const { db, redisUrl } = await freshTestBackends('burst', runMigrations);
  const common = {
    SKYPORT_DATABASE_URL: db.url,
    SKYPORT_REDIS_URL: redisUrl,
    SKYPORT_LOG_LEVEL: 'info',
    SKYPORT_OPTIMIZER_GRPC: `127.0.0.1:${await freePort()}`,
    SKYPORT_PROVISIONER_GRPC: `127.0.0.1:${await freePort()}`,
    SKYPORT_LOGS_GRPC: `127.0.0.1:${await freePort()}`,
    SKYPORT_CONFIG: configFile,
    SKYPORT_ALLOWED_CONTEXTS: contexts.join(','),
    KUBECONFIG: kubeconfig,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  const services: RunningService[] = [];
  const stopAll = async () => {
    for (const s of services.reverse()) await s.stop().catch(() => undefined);
  };
  try {
    services.push(await startService('provisioner', {
      ...common,
      SKYPORT_CLOUD_PROVIDERS: 'aws',
      SKYPORT_AWS_ENDPOINT: endpoint,
      // moto accepts any key; the SDK's chain must never look further (no instance metadata calls).
      AWS_ACCESS_KEY_ID: 'skyport-test',
      AWS_SECRET_ACCESS_KEY: 'skyport-test',
      AWS_EC2_METADATA_DISABLED: 'true',
      SKYPORT_AWS_POLL_MS: '100',
      SKYPORT_AWS_SSH_USER: sshd.username,
      SKYPORT_CLOUD_KEY_DIR: keyDir,
      SKYPORT_CLOUD_SSH_TIMEOUT_MS: '15000',
      SKYPORT_TEST_SSH_ADDRESS_OVERRIDE: `${sshd.host}:${sshd.port}`,
    }, 180_000));
    // GCP is "enabled" for planning so its (cheaper) candidates are chosen first and meet "provider not available".
    services.push(await startService('optimizer', { ...common, SKYPORT_ENABLED_CLOUDS: 'aws,gcp' }, 180_000));
    services.push(await startService('api', { ...common, SKYPORT_BOOTSTRAP_TOKEN: TOKEN, SKYPORT_BOOTSTRAP_TOKEN_FILE: join(dir, 'admin-token') }, 180_000));
  } catch (e) {
    await stopAll();
    await sshd.stop();
    await db.drop();
    throw e;
  }
  const api = services.find((s) => s.name === 'api')!;
  const aws = new AwsProvider({ endpoint, credentials: { accessKeyId: 'skyport-test', secretAccessKey: 'skyport-test' }, maxAttempts: 1 }, key);
  return {
    client: new SkyportClient({ endpoint: `http://127.0.0.1:${api.healthPort}`, token: TOKEN, timeoutMs: 30_000 }),
    aws,
    sshd,
    kubeconfig,
    services,
    output: () => services.map((s) => `--- ${s.name}\n${s.output().slice(-20_000)}`).join('\n'),
    stop: async () => {
      aws.close();
      await stopAll();
      await sshd.stop();
      await db.drop();
      rmSync(dir, { recursive: true, force: true });
      for (const name of startedHere) clusterDown(name);
    },
  };
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number, onTimeout?: () => string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${onTimeout ? `\n${onTimeout()}` : ''}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
