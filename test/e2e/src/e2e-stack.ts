import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runMigrations } from '@skyport/persistence';
import { freePort, freshTestBackends, repoRoot, startService, testEnv, type RunningService, type SkyportService } from '@skyport/dev-stack';
import { testKubeTarget } from '@skyport/kube/testing';

export const E2E_TOKEN = 'skyport-e2e-admin-token-0123456789abcdef';

/** The whole control plane as separate processes on a fresh database, pointed at the local Kubernetes cluster. */
export interface E2eStack {
  apiUrl: string;
  env: Record<string, string>;
  services: Map<SkyportService, RunningService>;
  kube: { kubeconfig: string; context: string };
  restart: (name: SkyportService, how: 'kill' | 'stop') => Promise<void>;
  stop: () => Promise<void>;
}

/** `kubeTarget`: another local cluster than the shared one (the real-nodes suite starts its own). */
export async function startE2eStack(label: string, extraEnv: Record<string, string> = {}, kubeTarget?: { kubeconfig: string; context: string }): Promise<E2eStack> {
  const kube = kubeTarget ?? testKubeTarget();
  if (!kube) throw new Error('end-to-end tests need the local Kubernetes control plane: run them through `npm test`');
  testEnv();
  const { db, redisUrl } = await freshTestBackends(label, runMigrations);
  const home = mkdtempSync(join(tmpdir(), `skyport-${label}-`));
  const configFile = join(home, 'config.yaml');
  writeFileSync(configFile, `kubernetes:\n  allowed_contexts:\n    - ${kube.context}\n`);
  const [apiPort, optimizerPort, provisionerPort, logsPort] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
  const env: Record<string, string> = {
    SKYPORT_DATABASE_URL: db.url,
    SKYPORT_REDIS_URL: redisUrl,
    SKYPORT_LOG_LEVEL: 'info',
    KUBECONFIG: kube.kubeconfig,
    SKYPORT_CONFIG: configFile,
    SKYPORT_ALLOWED_CONTEXTS: kube.context,
    SKYPORT_API_PORT: String(apiPort),
    SKYPORT_OPTIMIZER_GRPC: `127.0.0.1:${optimizerPort}`,
    SKYPORT_PROVISIONER_GRPC: `127.0.0.1:${provisionerPort}`,
    SKYPORT_LOGS_GRPC: `127.0.0.1:${logsPort}`,
    SKYPORT_BOOTSTRAP_TOKEN: E2E_TOKEN,
    SKYPORT_BOOTSTRAP_TOKEN_FILE: join(home, 'admin-token'),
    ...extraEnv,
  };
  const order: SkyportService[] = ['provisioner', 'optimizer', 'logs', 'autodown', 'api'];
  const services = new Map<SkyportService, RunningService>();
  try {
    for (const name of order) services.set(name, await startService(name, env, 60_000));
  } catch (e) {
    // A service that did not come up (a port taken meanwhile, a crash) must not leave the others running.
    for (const running of services.values()) await running.stop().catch(() => undefined);
    await db.drop().catch(() => undefined);
    throw e;
  }
  const apiUrl = `http://127.0.0.1:${services.get('api')!.healthPort}`;
  return {
    apiUrl,
    env,
    services,
    kube,
    restart: async (name, how) => {
      const running = services.get(name)!;
      if (how === 'kill') await running.kill();
      else await running.stop();
      services.set(name, await startService(name, { ...env, SKYPORT_HEALTH_PORT: String(running.healthPort) }, 60_000));
    },
    stop: async () => {
      for (const name of [...order].reverse()) await services.get(name)?.stop();
      await db.drop().catch(() => undefined);
    },
  };
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the built `skyport` binary against the stack's api, as a user at a terminal would (no TTY); `where` runs it
 * from another directory and home (a user's project outside the repository), `where.token` as another user.
 */
export function skyport(stack: E2eStack, args: string[], timeoutMs = 180_000, where: { cwd?: string; home?: string; token?: string } = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    const home = where.home ?? stack.env.SKYPORT_CONFIG.replace(/\/config\.yaml$/, '');
    const child = spawn(process.execPath, [join(repoRoot(), 'apps', 'cli', 'bin', 'skyport.js'), ...args], {
      cwd: where.cwd,
      env: { PATH: process.env.PATH ?? '', HOME: home, SKYPORT_API_URL: stack.apiUrl, SKYPORT_TOKEN: where.token ?? E2E_TOKEN, SKYPORT_CONFIG: stack.env.SKYPORT_CONFIG, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
