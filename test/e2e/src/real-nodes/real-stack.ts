import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { localRegistry, registryEnv, repoRoot, startKubeCluster, startService, type LocalRegistry } from '@skyport/dev-stack';
import { KubeClientProvider, type KubeClients } from '@skyport/kube';
import { startE2eStack, type E2eStack } from '../e2e-stack';

/**
 * The whole control plane against a local cluster of REAL nodes (test/cluster `--layout real`: kubelets,
 * containerd, a pod bridge, a registry with basic auth, a fake GPU device plugin). One cluster for the whole
 * suite, stopped by `stop()` (SKYPORT_KEEP_CLUSTER=1 keeps it for the next run: a warm `up` is then instant).
 */
export interface RealStack extends E2eStack {
  registry: LocalRegistry;
  clients: KubeClients;
  /** Restarts the provisioner with some settings changed (e.g. without the registry credentials). */
  restartProvisioner(env: Record<string, string>): Promise<void>;
  /** Messages of the events of a cluster's jobs, oldest first. */
  jobEvents(cluster: string): Promise<Array<{ type: string; message: string; jobId: number | null }>>;
}

export const REAL_CLUSTER = process.env.SKYPORT_REAL_CLUSTER_NAME ?? 'e2e-real';

/** `cluster`: a suite of its own gets its own real cluster (another name); `env`: more settings for the services. */
export async function startRealStack(label: string, opts: { cluster?: string; env?: Record<string, string> } = {}): Promise<RealStack> {
  const cluster = opts.cluster ?? REAL_CLUSTER;
  const kube = startKubeCluster({ name: cluster, layout: 'real' });
  const registry = localRegistry();
  const dir = mkdtempSync(join(tmpdir(), `skyport-${label}-registry-`));
  // Autodown scans every 2 s and counts idle "minutes" of 1 s, so `launch --down` ends within seconds.
  const fast = { SKYPORT_AUTODOWN_SCAN_SECONDS: '2', SKYPORT_AUTODOWN_MINUTE_MS: '1000' };
  const stack = await startE2eStack(label, { ...registryEnv(dir), ...fast, ...opts.env, SKYPORT_KUBE_CONTEXT: kube.context }, kube);
  const clients = KubeClientProvider.fromSource({ paths: [kube.kubeconfig] }).forContext(kube.context);
  return {
    ...stack,
    stop: async () => {
      await stack.stop();
      if (process.env.SKYPORT_KEEP_CLUSTER !== '1') {
        execFileSync('bash', [join(repoRoot(), 'test', 'cluster', 'cluster.sh'), 'down', '--name', cluster], { stdio: ['ignore', 'ignore', 'inherit'], timeout: 120_000 });
      }
    },
    registry,
    clients,
    restartProvisioner: async (env) => {
      const running = stack.services.get('provisioner')!;
      await running.stop();
      stack.services.set('provisioner', await startService('provisioner', { ...stack.env, ...env, SKYPORT_HEALTH_PORT: String(running.healthPort) }, 60_000));
    },
    jobEvents: async (cluster) => {
      const db = new Client({ connectionString: stack.env.SKYPORT_DATABASE_URL });
      await db.connect();
      try {
        const r = await db.query<{ type: string; message: string; job_id: number | null }>(
          `SELECT type, message, job_id FROM events WHERE cluster_name = $1 AND type LIKE 'job.%' ORDER BY id`,
          [cluster],
        );
        return r.rows.map((row) => ({ type: row.type, message: row.message, jobId: row.job_id }));
      } finally {
        await db.end();
      }
    },
  };
}

/**
 * The running containers of a pod on the real nodes, as the runtime sees them (what `crictl ps` shows): every
 * node's containerd (test/cluster/real-nodes.sh: /run/skyport/c-<hash of the cluster's state dir>/n<i>/), its
 * tasks whose container carries the pod's name label.
 */
export function runningContainersOf(pod: string): string[] {
  const status = JSON.parse(execFileSync('bash', [join(repoRoot(), 'test', 'cluster', 'cluster.sh'), 'status', '--name', REAL_CLUSTER, '--json'], { encoding: 'utf8' })) as Array<{ stateDir: string }>;
  const run = `/run/skyport/c-${createHash('sha256').update(status[0]!.stateDir).digest('hex').slice(0, 10)}`;
  const sockets = readdirSync(run).filter((n) => /^n\d+$/.test(n)).map((n) => join(run, n, 'containerd.sock')).filter((s) => existsSync(s));
  if (sockets.length === 0) throw new Error(`no containerd socket under ${run}`);
  const ctr = (socket: string, args: string[]) => execFileSync('ctr', ['-a', socket, '-n', 'k8s.io', ...args], { encoding: 'utf8' });
  return sockets.flatMap((socket) => {
    const ours = new Set(ctr(socket, ['containers', 'ls', '-q', `labels."io.kubernetes.pod.name"==${pod}`]).split('\n').filter(Boolean));
    const running = ctr(socket, ['tasks', 'ls']).split('\n').slice(1).map((l) => l.trim().split(/\s+/)).filter((f) => f[2] === 'RUNNING').map((f) => f[0]!);
    return running.filter((id) => ours.has(id));
  });
}

export async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 60_000, everyMs = 500): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${last instanceof Error ? last.message : String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
