import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { repoRoot } from './paths';

/** npm's own settings from an `npm test` around us (npm_config_prefix, _global, ...) must not steer the install. */
function npmEnv(): NodeJS.ProcessEnv {
  const keep = new Set(['npm_config_cache', 'npm_config_registry', 'npm_config_userconfig']);
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.toLowerCase().startsWith('npm_') || keep.has(key.toLowerCase())));
}

export interface InstalledCli {
  tarball: string;
  /** The global prefix it went into; `skyport` is `<prefix>/bin/skyport`. */
  prefix: string;
  /** PATH holding only the installed package and node itself: nothing of the checkout is reachable. */
  path: string;
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** The CLI as users get it: `npm run cli:pack`, then `npm i -g` of the tarball into `<dir>/prefix`. */
export function installPackedCli(dir: string): InstalledCli {
  const prefix = join(dir, 'prefix');
  mkdirSync(dir, { recursive: true });
  const out = execFileSync(process.execPath, [join(repoRoot(), 'apps', 'cli', 'scripts', 'pack-cli.mjs'), '--out', join(dir, 'pack')], { cwd: repoRoot(), encoding: 'utf8', timeout: 60_000 });
  const tarball = out.trim().split('\n').pop() ?? '';
  execFileSync('npm', ['install', '--global', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', '--no-update-notifier', tarball], {
    cwd: dir,
    env: npmEnv(),
    stdio: ['ignore', 'ignore', 'pipe'],
    timeout: 120_000,
  });
  return { tarball, prefix, path: [join(prefix, 'bin'), dirname(process.execPath), '/usr/bin', '/bin'].join(':') };
}

/** Runs the installed `skyport` by name in `cwd` with exactly `env` (plus the installed PATH). */
export function runInstalledCli(cli: InstalledCli, args: string[], options: { cwd: string; env: Record<string, string>; timeoutMs?: number }): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile('skyport', args, { cwd: options.cwd, env: { ...options.env, PATH: cli.path }, timeout: options.timeoutMs ?? 20_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}
