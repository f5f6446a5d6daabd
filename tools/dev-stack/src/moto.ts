import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { livePid } from './pid-file';
import { run, which } from './run';

/**
 * The quick start's S3-compatible endpoint: moto's server (PyPI `moto[server]`, as test/cloud/moto.sh uses for the
 * tests) on 127.0.0.1, its own port and state under the stack's directory, so it never meets the tests' moto
 * (26450) or theirs. moto accepts any keys: the services get fixed dummy ones.
 */
export const STACK_S3_KEYS = { accessKeyId: 'skyport-local', secretAccessKey: 'skyport-local' };

/** Either the endpoint, or why there is none (bucket mounts are then off; everything else works). */
export type StackS3 = { endpoint: string } | { off: string };

function motoDir(dir: string): string {
  return join(dir, 'moto');
}

export function motoUrl(port: number): string {
  return `http://127.0.0.1:${port}`;
}

/** Any HTTP answer on moto's dashboard path counts (a refused connection is 000). */
export function motoAnswers(port: number): boolean {
  const r = run('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', '--max-time', '2', `${motoUrl(port)}/moto-api/`]);
  return r.status === 0 && /^[1-5]\d\d$/.test(r.stdout.trim());
}

/** How to run moto's server here: `moto_server`, or a Python that can import it. */
function motoCommand(): string[] | undefined {
  const server = which('moto_server');
  if (server) return [server];
  for (const py of ['python3', 'python']) {
    if (which(py) && run(py, ['-c', 'import moto.server']).status === 0) return [py, '-m', 'moto.server'];
  }
  return undefined;
}

/** Installs moto[server] with pip when it is missing; undefined when it cannot (the reason is in the result). */
function installMoto(log: (line: string) => void): { command: string[] } | { off: string } {
  const found = motoCommand();
  if (found) return { command: found };
  const pip = which('pip3') ?? which('pip');
  if (!pip) return { off: "moto is not installed and there is no pip (install Python 3's pip, then: pip install 'moto[server]')" };
  log("s3        installing moto[server] with pip (the quick start's S3 endpoint)…");
  const r = run(pip, ['install', '-q', 'moto[server]'], { timeout: 10 * 60_000 });
  const command = r.status === 0 ? motoCommand() : undefined;
  if (!command) return { off: `pip install 'moto[server]' failed: ${r.stderr.trim().split('\n').slice(-2).join(' ') || `exit ${r.status}`}` };
  return { command };
}

/** Starts moto when it is not answering on `port` (idempotent); never throws — the stack comes up without it. */
export function startMoto(dir: string, port: number, log: (line: string) => void): StackS3 {
  if (motoAnswers(port)) return { endpoint: motoUrl(port) };
  if (!which('curl')) return { off: 'curl is missing (it checks that moto answers)' };
  const installed = installMoto(log);
  if ('off' in installed) return installed;
  const state = motoDir(dir);
  mkdirSync(state, { recursive: true });
  const out = openSync(join(state, 'moto.log'), 'a');
  const [cmd = 'moto_server', ...args] = installed.command;
  const child = spawn(cmd, [...args, '-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', out, out], detached: true });
  closeSync(out);
  child.unref();
  writeFileSync(join(state, 'moto.pid'), String(child.pid));
  const deadline = Date.now() + 60_000;
  while (!motoAnswers(port)) {
    if (!livePid(join(state, 'moto.pid'))) return { off: `moto exited at start; see ${join(state, 'moto.log')}` };
    if (Date.now() > deadline) return { off: `moto did not answer on ${motoUrl(port)} within 60 s; see ${join(state, 'moto.log')}` };
    run('sleep', ['0.2']);
  }
  return { endpoint: motoUrl(port) };
}

/** Stops the moto this stack started (by its pid file); another moto on the port is left alone. */
export function stopMoto(dir: string): void {
  const pidFile = join(motoDir(dir), 'moto.pid');
  const pid = livePid(pidFile);
  if (pid) process.kill(pid, 'SIGTERM');
  rmSync(pidFile, { force: true });
}

export function motoRunning(dir: string, port: number): boolean {
  return Boolean(livePid(join(motoDir(dir), 'moto.pid'))) && motoAnswers(port);
}
