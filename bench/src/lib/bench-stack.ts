import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import IORedis from 'ioredis';
import { Client } from 'pg';
import { SkyportClient } from '@skyport/client';
import { freePort, repoRoot, stackUp, startKubeCluster, startService, type RunningService, type SkyportService } from '@skyport/dev-stack';
import { KubeClientProvider, type KubeClients } from '@skyport/kube';
import { runMigrations } from '@skyport/persistence';

export const BENCH_TOKEN = 'skyport-bench-admin-token-0123456789abcdef';
const keepClusters = process.env.SKYPORT_BENCH_KEEP_CLUSTER === '1';

export interface BenchCluster {
  name: string;
  context: string;
  kubeconfig: string;
  /** Cluster state dir: per-pod working directories live under `<stateDir>/pods/<ns>/<pod>/`. */
  stateDir: string;
  server: string;
  clients: KubeClients;
  /** Stops and deletes the cluster unless SKYPORT_BENCH_KEEP_CLUSTER=1 (the runner keeps them between scripts). */
  down: () => void;
}

function clusterScript(): string {
  return join(repoRoot(), 'test', 'cluster', 'cluster.sh');
}

/**
 * Starts (idempotently) a local cluster from test/cluster with `cluster.sh up --name N --layout L [--nodes K]`;
 * N is `baseName` behind $SKYPORT_BENCH_CLUSTER_PREFIX.
 */
export function benchCluster(baseName: string, layout: string, nodes?: number): BenchCluster {
  // A prefix lets two people run benchmarks side by side on one machine without sharing (or downing) clusters.
  const name = `${process.env.SKYPORT_BENCH_CLUSTER_PREFIX ?? ''}${baseName}`;
  const started = Date.now();
  const { kubeconfig, context } = startKubeCluster({ name, layout, nodes });
  const status = (JSON.parse(execFileSync('bash', [clusterScript(), 'status', '--json'], { encoding: 'utf8' })) as Array<{ name: string; stateDir: string; server: string }>).find(
    (c) => c.name === name,
  );
  if (!status) throw new Error(`cluster ${name} is not running after cluster.sh up`);
  console.log(`cluster ${name} (${layout}${nodes ? `, ${nodes} nodes` : ''}) up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const clients = KubeClientProvider.fromSource({ paths: [kubeconfig] }, [context]).forContext(context);
  return {
    name,
    context,
    kubeconfig,
    stateDir: status.stateDir,
    server: status.server,
    clients,
    down: () => {
      if (keepClusters) return;
      execFileSync('bash', [clusterScript(), 'down', '--name', name], { stdio: ['ignore', 'ignore', 'inherit'] });
    },
  };
}

export interface SkyportUnderTest {
  apiUrl: string;
  client: SkyportClient;
  env: Record<string, string>;
  services: Map<SkyportService, RunningService>;
  /** Every api replica (the first is `services.get('api')`), with its URL. */
  apis: Array<{ url: string; service: RunningService }>;
  stop: () => Promise<void>;
}

export interface SkyportOptions {
  /** Contexts the control plane may use, in preference order. */
  contexts: string[];
  kubeconfig: string;
  /** Extra YAML under `kubernetes:` of the config file (indented two spaces). */
  kubernetesYaml?: string;
  extraEnv?: Record<string, string>;
  /** api replicas sharing the database and Redis (default 1). */
  apiReplicas?: number;
  /** Another build of the api to run (its `main.js`), for a before/after in one session. */
  apiMain?: string;
  /** Another build of other services (their `main.js`), likewise. */
  mains?: Partial<Record<Exclude<SkyportService, 'api'>, string>>;
}

/**
 * The five Skyport services as their own processes (as in production, `startService` from @skyport/dev-stack)
 * on a fresh database of the local stack's Postgres and a Redis of their own, pointed at local clusters.
 * Per-caller rate limiting is raised out of the way: the benchmarks measure the system, not the limiter.
 */
export async function startSkyport(label: string, options: SkyportOptions): Promise<SkyportUnderTest> {
  const stack = stackUp({ kube: false, log: () => undefined });
  const dbName = `bench_${label.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${randomBytes(3).toString('hex')}`;
  const admin = new Client({ connectionString: stack.SKYPORT_DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${dbName}"`);
  await admin.end();
  const dbUrl = new URL(stack.SKYPORT_DATABASE_URL);
  dbUrl.pathname = `/${dbName}`;
  await runMigrations(dbUrl.toString());
  const redisServer = await startBenchRedis();
  const redisUrl = redisServer.url;
  const home = mkdtempSync(join(tmpdir(), `skyport-bench-${label}-`));
  const configFile = join(home, 'config.yaml');
  writeFileSync(configFile, `kubernetes:\n  allowed_contexts:\n${options.contexts.map((c) => `    - ${c}\n`).join('')}${options.kubernetesYaml ?? ''}`);
  const [apiPort, optimizerPort, provisionerPort, logsPort] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
  const env: Record<string, string> = {
    SKYPORT_DATABASE_URL: dbUrl.toString(),
    SKYPORT_REDIS_URL: redisUrl,
    SKYPORT_LOG_LEVEL: 'warn',
    KUBECONFIG: options.kubeconfig,
    SKYPORT_CONFIG: configFile,
    SKYPORT_ALLOWED_CONTEXTS: options.contexts.join(','),
    SKYPORT_API_PORT: String(apiPort),
    SKYPORT_OPTIMIZER_GRPC: `127.0.0.1:${optimizerPort}`,
    SKYPORT_PROVISIONER_GRPC: `127.0.0.1:${provisionerPort}`,
    SKYPORT_LOGS_GRPC: `127.0.0.1:${logsPort}`,
    SKYPORT_BOOTSTRAP_TOKEN: BENCH_TOKEN,
    SKYPORT_BOOTSTRAP_TOKEN_FILE: join(home, 'admin-token'),
    SKYPORT_API_RATE_LIMIT: '100000000',
    // Every bench call comes from 127.0.0.1: the per-address bucket (before auth) must not throttle the load either.
    SKYPORT_API_RATE_LIMIT_ADDRESS: '100000000',
    ...options.extraEnv,
  };
  const dropDatabase = async (): Promise<void> => {
    const c = new Client({ connectionString: stack.SKYPORT_DATABASE_URL });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`).catch(() => undefined);
    await c.end();
  };
  const order: SkyportService[] = ['provisioner', 'optimizer', 'logs', 'autodown', 'api'];
  const services = new Map<SkyportService, RunningService>();
  const apis: SkyportUnderTest['apis'] = [];
  const stopAll = async (): Promise<void> => {
    for (const api of apis.slice(1)) await api.service.stop();
    for (const name of [...order].reverse()) await services.get(name)?.stop();
    await redisServer.stop();
  };
  // Interrupted (Ctrl-C, timeout): the services are our children but would outlive us; take them along.
  const onSignal = (signal: NodeJS.Signals): void => {
    for (const s of [...services.values(), ...apis.map((a) => a.service)]) s.process.kill('SIGKILL');
    redisServer.kill();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    // slow on a saturated 2-core box
    for (const name of order) services.set(name, await startService(name, env, 240_000, { main: name === 'api' ? options.apiMain : options.mains?.[name] }));
    const first = services.get('api');
    if (first) apis.push({ url: `http://127.0.0.1:${apiPort}`, service: first });
    for (let i = 1; i < (options.apiReplicas ?? 1); i++) {
      const port = await freePort();
      apis.push({ url: `http://127.0.0.1:${port}`, service: await startService('api', { ...env, SKYPORT_API_PORT: String(port) }, 240_000, { main: options.apiMain }) });
    }
  } catch (error) {
    await stopAll();
    await dropDatabase();
    throw error;
  }
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  return {
    apiUrl,
    client: new SkyportClient({ endpoint: apiUrl, token: BENCH_TOKEN, timeoutMs: 120_000 }),
    env,
    services,
    apis,
    stop: async () => {
      await stopAll();
      rmSync(home, { recursive: true, force: true });
      await dropDatabase();
    },
  };
}

/**
 * A Redis of the benchmark's own (127.0.0.1, no persistence, a free port): the local stack's Redis databases are
 * shared with the quick start (db 0) and the test suites (1-15), whose services would take our queue jobs.
 */
async function startBenchRedis(): Promise<{ url: string; stop: () => Promise<void>; kill: () => void }> {
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'yes'], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `redis://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    const redis = new IORedis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    redis.on('error', () => undefined);
    try {
      await redis.connect();
      await redis.ping();
      await redis.quit();
      break;
    } catch {
      redis.disconnect();
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`redis-server on 127.0.0.1:${port} did not start`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    url,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
    kill: () => void child.kill('SIGKILL'),
  };
}

/** CPU time (user + system) a process has used so far, in seconds, from /proc/<pid>/stat. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces) start at field 3; utime and stime are 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Resident memory (VmRSS) of a process in MiB, from /proc/<pid>/status. */
export function residentMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}
