import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { runMigrations } from '@skyport/persistence';
import { TcpRelay, freePort, freshTestBackends, startService, testEnv, type RunningService, type SkyportService } from '@skyport/dev-stack';
import { testKubeTarget } from '@skyport/kube/testing';

export const CHAOS_TOKEN = 'skyport-chaos-admin-token-0123456789abcdef';

const GRPC_VAR: Partial<Record<SkyportService, string>> = {
  optimizer: 'SKYPORT_OPTIMIZER_GRPC',
  provisioner: 'SKYPORT_PROVISIONER_GRPC',
  logs: 'SKYPORT_LOGS_GRPC',
};
const ORDER: SkyportService[] = ['provisioner', 'optimizer', 'logs', 'autodown', 'api'];

/**
 * The whole control plane with N replicas of every service, as a deployment runs it, with each dependency behind
 * a relay the tests can cut: Postgres, Redis and the kube-apiserver (through a copy of the kubeconfig pointing at
 * its relay), and one relay per gRPC service and for the api in front of its replicas (the Services). Faults are
 * real: processes killed with SIGKILL, connections reset and refused.
 */
export interface ChaosStack {
  apiUrl: string;
  kube: { kubeconfig: string; context: string };
  namespace: string;
  replicas: Map<SkyportService, RunningService[]>;
  relays: { postgres: TcpRelay; redis: TcpRelay; kube: TcpRelay };
  /** SIGKILL replica `index` of a service and start it again (same ports). */
  killAndRestart: (name: SkyportService, index: number) => Promise<void>;
  /** SIGKILL every replica of a service and start them again. */
  killAll: (name: SkyportService) => Promise<void>;
  call: (method: string, path: string, body?: unknown) => Promise<{ status: number; body: any }>; // eslint-disable-line @typescript-eslint/no-explicit-any -- answers of many shapes
  databaseUrl: string;
  stop: () => Promise<void>;
}

/** A copy of the kubeconfig whose context's server is the relay (the API server's certificate names 127.0.0.1). */
function kubeconfigThrough(source: string, context: string, relay: TcpRelay, dir: string): string {
  const doc = parse(readFileSync(source, 'utf8')) as { contexts: Array<{ name: string; context: { cluster: string } }>; clusters: Array<{ name: string; cluster: { server: string } }>; 'current-context'?: string };
  const clusterName = doc.contexts.find((c) => c.name === context)?.context.cluster;
  const cluster = doc.clusters.find((c) => c.name === clusterName);
  if (!cluster) throw new Error(`context ${context} not in ${source}`);
  cluster.cluster.server = relay.rewrite(cluster.cluster.server);
  doc['current-context'] = context;
  const out = join(dir, 'kubeconfig');
  writeFileSync(out, stringify(doc), { mode: 0o600 });
  return out;
}

export async function startChaosStack(label: string, options: { replicas?: number; namespace: string }): Promise<ChaosStack> {
  const kubeTarget = testKubeTarget();
  if (!kubeTarget) throw new Error('the chaos suite needs the local Kubernetes control plane: run it through `npm test`');
  testEnv();
  const replicasPer = options.replicas ?? 2;
  const { db, redisUrl } = await freshTestBackends(label, runMigrations);
  const home = mkdtempSync(join(tmpdir(), `skyport-${label}-`));

  const kubeServer = (parse(readFileSync(kubeTarget.kubeconfig, 'utf8')) as { clusters: Array<{ name: string; cluster: { server: string } }>; contexts: Array<{ name: string; context: { cluster: string } }> });
  const serverUrl = kubeServer.clusters.find((c) => c.name === kubeServer.contexts.find((x) => x.name === kubeTarget.context)?.context.cluster)?.cluster.server;
  if (!serverUrl) throw new Error(`no server for context ${kubeTarget.context}`);
  const relays = {
    postgres: await new TcpRelay([TcpRelay.targetOf(db.url)]).open(),
    redis: await new TcpRelay([TcpRelay.targetOf(redisUrl)]).open(),
    kube: await new TcpRelay([TcpRelay.targetOf(serverUrl)]).open(),
  };
  const kubeconfig = kubeconfigThrough(kubeTarget.kubeconfig, kubeTarget.context, relays.kube, home);
  const configFile = join(home, 'config.yaml');
  writeFileSync(configFile, `kubernetes:\n  allowed_contexts:\n    - ${kubeTarget.context}\n  namespace: ${options.namespace}\n  provision_timeout: 60\n`);

  // Every replica listens on its own port; the relay in front of them is what the others call.
  const ports = new Map<SkyportService, number[]>();
  for (const name of ORDER) ports.set(name, await Promise.all(Array.from({ length: replicasPer }, () => freePort())));
  const fronts = new Map<SkyportService, TcpRelay>();
  for (const name of [...Object.keys(GRPC_VAR), 'api'] as SkyportService[]) {
    fronts.set(name, await new TcpRelay(ports.get(name)!.map((port) => ({ host: '127.0.0.1', port }))).open());
  }
  const shared: Record<string, string> = {
    SKYPORT_DATABASE_URL: relays.postgres.rewrite(db.url),
    SKYPORT_REDIS_URL: relays.redis.rewrite(redisUrl),
    SKYPORT_LOG_LEVEL: 'info',
    KUBECONFIG: kubeconfig,
    SKYPORT_CONFIG: configFile,
    SKYPORT_ALLOWED_CONTEXTS: kubeTarget.context,
    SKYPORT_BOOTSTRAP_TOKEN: CHAOS_TOKEN,
    SKYPORT_BOOTSTRAP_TOKEN_FILE: join(home, 'admin-token'),
    // Faults are minutes long at most: the reconciler looks often so the suite ends soon after the faults do.
    SKYPORT_RECONCILE_INTERVAL_SECONDS: '2',
    SKYPORT_RECONCILE_STALE_SECONDS: '20',
    SKYPORT_CLUSTER_HEALTH_SECONDS: '5',
    // A killed provisioner's jobs are taken up again after the lock ends: 10 s here, not BullMQ's 30.
    SKYPORT_QUEUE_LOCK_SECONDS: '10',
  };
  for (const [name, variable] of Object.entries(GRPC_VAR)) shared[variable] = fronts.get(name as SkyportService)!.address;

  // Worker replicas' health ports are picked free at each start; gRPC and api ports stay, behind their relays.
  const envOf = (name: SkyportService, index: number): Record<string, string> => {
    const own = ports.get(name)![index];
    const env = { ...shared };
    if (name === 'api') env.SKYPORT_API_PORT = String(own);
    const variable = GRPC_VAR[name];
    if (variable) env[variable] = `127.0.0.1:${own}`;
    return env;
  };
  const replicas = new Map<SkyportService, RunningService[]>();
  for (const name of ORDER) {
    const started: RunningService[] = [];
    for (let i = 0; i < replicasPer; i++) started.push(await startService(name, envOf(name, i), 180_000));
    replicas.set(name, started);
  }
  const apiUrl = `http://${fronts.get('api')!.address}`;
  const call: ChaosStack['call'] = async (method, path, body) => {
    const res = await fetch(`${apiUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${CHAOS_TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON
    }
    return { status: res.status, body: parsed };
  };
  const killAndRestart = async (name: SkyportService, index: number) => {
    const list = replicas.get(name)!;
    await list[index].kill();
    list[index] = await startService(name, envOf(name, index), 180_000);
  };
  return {
    apiUrl,
    kube: { kubeconfig, context: kubeTarget.context },
    namespace: options.namespace,
    replicas,
    relays,
    killAndRestart,
    killAll: async (name) => {
      const list = replicas.get(name)!;
      await Promise.all(list.map((r) => r.kill()));
      for (let i = 0; i < list.length; i++) list[i] = await startService(name, envOf(name, i), 180_000);
    },
    call,
    databaseUrl: db.url,
    stop: async () => {
      for (const name of [...ORDER].reverse()) await Promise.all((replicas.get(name) ?? []).map((r) => r.stop().catch(() => undefined)));
      for (const relay of [...fronts.values(), ...Object.values(relays)]) await relay.cut();
      await db.drop().catch(() => undefined);
    },
  };
}
