import { spawnSync, type SpawnSyncOptions } from 'node:child_process';

export interface RunResult {
  status: number;
  stdout: string;
  stderr: string;
}

export function run(command: string, args: string[], options: SpawnSyncOptions = {}): RunResult {
  const result = spawnSync(command, args, { encoding: 'utf8', ...options });
  return {
    status: result.status ?? (result.error ? 127 : 1),
    stdout: String(result.stdout ?? ''),
    stderr: String(result.stderr ?? (result.error ? result.error.message : '')),
  };
}

export function which(command: string): string | undefined {
  const r = run('sh', ['-c', `command -v ${command}`]);
  return r.status === 0 ? r.stdout.trim() : undefined;
}

export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** Installs Debian packages when running as root; otherwise says exactly what to install. */
export function aptInstall(packages: string[], why: string): void {
  if (!isRoot() || !which('apt-get')) {
    throw new Error(`${why}: install ${packages.join(' ')} (e.g. 'sudo apt-get install ${packages.join(' ')}') and run this again`);
  }
  process.stderr.write(`installing ${packages.join(' ')} with apt-get (${why})…\n`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  let r = run('apt-get', ['install', '-y', '-qq', ...packages], { env });
  if (r.status !== 0) {
    run('apt-get', ['update', '-qq'], { env });
    r = run('apt-get', ['install', '-y', '-qq', ...packages], { env });
  }
  if (r.status !== 0) throw new Error(`apt-get install ${packages.join(' ')} failed: ${r.stderr.trim().split('\n').slice(-3).join(' ')}`);
}
