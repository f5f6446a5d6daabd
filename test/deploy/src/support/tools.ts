import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '@skyport/dev-stack';

export interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function run(command: string, args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number; input?: string } = {}): RunResult {
  const r: SpawnSyncReturns<string> = spawnSync(command, args, {
    cwd: opts.cwd ?? repoRoot(),
    env: opts.env ?? process.env,
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 120_000,
    input: opts.input,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * `run` without blocking the event loop, for commands that take minutes (image builds, compose, `selfhost up`):
 * the exit code, all of stdout and the tail of stderr (their progress output).
 */
export function runAsync(command: string, args: string[], opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: repoRoot(), env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'], timeout: opts.timeoutMs ?? 25 * 60 * 1000 });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-8000)));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

/** Building a tool from the Go module proxy takes minutes the first time on 2 cores; later calls are instant. */
export const BUILD_TIMEOUT_MS = 25 * 60 * 1000;

/**
 * Builds the tools a suite needs (cached per user) without blocking the event loop. Call it from a `before` hook
 * with `{ timeout: BUILD_TIMEOUT_MS }`: the first build on a fresh machine outlasts the default test timeout.
 */
export async function ensureTools(tools: Array<'helm' | 'compose'>): Promise<void> {
  for (const tool of tools) {
    const script = join(repoRoot(), 'deploy', 'scripts', tool === 'helm' ? 'ensure-helm.sh' : 'ensure-compose.sh');
    await new Promise<void>((resolve, reject) => {
      const child = spawn('bash', [script], { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
      child.on('error', reject);
      child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${script} failed (${code}): ${stderr.trim()}`))));
    });
  }
}

let helmPath: string | undefined;
/** The Helm binary, built into the per-user cache by deploy/scripts/ensure-helm.sh when missing. */
export function helmBinary(): string {
  if (helmPath) return helmPath;
  const r = run('bash', [join(repoRoot(), 'deploy', 'scripts', 'ensure-helm.sh')], { timeoutMs: BUILD_TIMEOUT_MS });
  if (r.status !== 0) throw new Error(`deploy/scripts/ensure-helm.sh failed (${r.status}): ${r.stderr.trim()}`);
  helmPath = r.stdout.trim().split('\n').pop() ?? '';
  return helmPath;
}

export function helm(args: string[], opts: { timeoutMs?: number } = {}): RunResult {
  // A private HELM_* home so the user's repositories and plugins play no part.
  const home = join(repoRoot(), '.skyport', 'helm');
  const env = { ...process.env, HELM_CACHE_HOME: join(home, 'cache'), HELM_CONFIG_HOME: join(home, 'config'), HELM_DATA_HOME: join(home, 'data') };
  return run(helmBinary(), args, { env, timeoutMs: opts.timeoutMs });
}

let composeEnv: { docker: string; env: NodeJS.ProcessEnv } | undefined;
/** A docker CLI with the compose plugin (built into the per-user cache by deploy/scripts/ensure-compose.sh). */
export function dockerCompose(): { docker: string; env: NodeJS.ProcessEnv } {
  if (composeEnv) return composeEnv;
  const r = run('bash', [join(repoRoot(), 'deploy', 'scripts', 'ensure-compose.sh'), '--env'], { timeoutMs: BUILD_TIMEOUT_MS });
  if (r.status !== 0) throw new Error(`deploy/scripts/ensure-compose.sh failed (${r.status}): ${r.stderr.trim()}`);
  const env: NodeJS.ProcessEnv = { ...process.env };
  let docker = 'docker';
  for (const line of r.stdout.split('\n')) {
    const m = /^export (\w+)=(.*)$/.exec(line.trim());
    if (!m) continue;
    const value = m[2]!.replace(/^'(.*)'$/, '$1');
    if (m[1] === 'DOCKER_BIN') docker = value;
    else env[m[1]!] = value;
  }
  composeEnv = { docker, env };
  return composeEnv;
}
