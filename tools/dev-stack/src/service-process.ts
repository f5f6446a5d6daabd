import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { withGrpcTls } from './grpc-certs';
import { repoRoot } from './paths';
import { stackSecretsKey } from './secrets-key';

export type SkyportService = 'api' | 'optimizer' | 'provisioner' | 'logs' | 'autodown';

export interface RunningService {
  name: SkyportService;
  process: ChildProcess;
  /** Port of its health endpoint (the api's own port for the api). */
  healthPort: number;
  /** Everything it wrote so far (stdout + stderr). */
  output: () => string;
  /** SIGTERM and wait for exit (graceful shutdown); SIGKILL, with a warning, if it has not exited 30 s later. */
  stop: () => Promise<number | null>;
  /** SIGKILL: a crash, nothing runs after it. */
  kill: () => Promise<void>;
}

/**
 * Ports handed out come from below Linux's ephemeral range (32768–60999): a port picked with `listen(0)` lies inside
 * it, so between picking it and the service binding it any outgoing connection on the machine (an etcd client, a
 * test's HTTP call) may take it as its source port, or another `listen(0)` may be given it. 27000–31999 is clear of
 * the local stack's fixed ports (26xxx) and of the local clusters' (32000 and up).
 */
const PICK_FROM = 27_000;
/** How long `stop()` waits after SIGTERM before SIGKILL (Kubernetes' default termination grace). */
const STOP_GRACE_MS = 30_000;
const PICK_COUNT = 5_000;
const handedOut = new Set<number>();

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A free TCP port on 127.0.0.1, never one this process handed out before. */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = PICK_FROM + Math.floor(Math.random() * PICK_COUNT);
    if (handedOut.has(port)) continue;
    if (await bindable(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error(`no free port between ${PICK_FROM} and ${PICK_FROM + PICK_COUNT - 1} on 127.0.0.1`);
}

export interface StartServiceOptions {
  /** Another build of the service to run instead of `apps/<name>/dist/main.js` (a benchmark's before/after). */
  main?: string;
}

/**
 * Starts a built Skyport service as its own process (as in production) and waits until its /healthz answers
 * 200. Tests use it to kill services for real.
 */
export async function startService(name: SkyportService, env: Record<string, string | undefined>, timeoutMs = 30_000, options: StartServiceOptions = {}): Promise<RunningService> {
  const healthPort = name === 'api' ? Number(env.SKYPORT_API_PORT ?? (await freePort())) : Number(env.SKYPORT_HEALTH_PORT ?? (await freePort()));
  // Services get the local stack's mTLS certificates unless the test chose otherwise.
  const childEnv: Record<string, string | undefined> = { SKYPORT_SECRETS_KEY: stackSecretsKey(), ...process.env, ...withGrpcTls(name, env) };
  if (name === 'api') childEnv.SKYPORT_API_PORT = String(healthPort);
  else childEnv.SKYPORT_HEALTH_PORT = String(healthPort);
  const child = spawn(process.execPath, ['--enable-source-maps', options.main ?? join(repoRoot(), 'apps', name, 'dist', 'main.js')], {
    env: childEnv as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode} before it was healthy:\n${output}`);
    try {
      const res = await fetch(`http://127.0.0.1:${healthPort}/healthz`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${name} was not healthy within ${timeoutMs} ms:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    name,
    process: child,
    healthPort,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      // A graceful shutdown waits for in-flight queue jobs; one that never ends must not hold a test's teardown (and
      // the whole run) until the per-test timeout. An orchestrator does the same: Kubernetes kills after the grace.
      let timer: NodeJS.Timeout | undefined;
      const overdue = new Promise<'overdue'>((resolve) => (timer = setTimeout(() => resolve('overdue'), STOP_GRACE_MS)));
      const first = await Promise.race([exited, overdue]);
      clearTimeout(timer);
      if (first !== 'overdue') return first;
      process.stderr.write(`warning: ${name} did not exit within ${STOP_GRACE_MS / 1000} s of SIGTERM; killing it\n`);
      child.kill('SIGKILL');
      return exited;
    },
    kill: async () => {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
