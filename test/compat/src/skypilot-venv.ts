import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';

/** The SkyPilot release the verdicts are measured against (issue 20). Changing it makes a new venv. */
export const SKYPILOT_VERSION = '0.14.1';

export type VenvResult = { ok: true; python: string; created: boolean; seconds: number } | { ok: false; reason: string };

/** `~/.cache/skyport/skypilot-venv-<version>`; SKYPORT_COMPAT_VENV overrides it (a venv made elsewhere). */
export function venvDir(): string {
  return process.env.SKYPORT_COMPAT_VENV ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(homedir(), '.cache'), 'skyport', `skypilot-venv-${SKYPILOT_VERSION}`);
}

function run(cmd: string, args: string[], timeoutMs: number): { ok: boolean; output: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: timeoutMs, env: { ...process.env, PIP_DISABLE_PIP_VERSION_CHECK: '1' } });
  return { ok: r.status === 0, output: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}` };
}

function makerAlive(lock: string): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(path.join(lock, 'pid'), 'utf8'));
  } catch {
    return true; // just made, pid not written yet
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A venv with `skypilot==<version>` (the base package: no cloud extras, validation needs none), made once and
 * reused: the marker file is written last, so a half-made venv (an interrupted pip) is made again. Venvs are not
 * relocatable, so it is built in place under a lock directory rather than renamed into place.
 */
export function ensureSkypilotVenv(): VenvResult {
  const started = Date.now();
  const dir = venvDir();
  const python = path.join(dir, 'bin', 'python');
  const marker = path.join(dir, '.skyport-ready');
  const seconds = (): number => Math.round((Date.now() - started) / 100) / 10;
  if (existsSync(marker) && readFileSync(marker, 'utf8').trim() === SKYPILOT_VERSION && existsSync(python)) {
    return { ok: true, python, created: false, seconds: seconds() };
  }
  if (process.env.SKYPORT_COMPAT_VENV) return { ok: false, reason: `SKYPORT_COMPAT_VENV=${dir} is not a ready venv (no ${marker})` };
  const lock = `${dir}.lock`;
  mkdirSync(path.dirname(dir), { recursive: true });
  // One maker at a time (two test runs at once). A lock whose maker is gone (a run killed by its timeout) is taken
  // over at once; one older than 15 minutes too.
  for (let waited = 0; ; waited += 2) {
    try {
      mkdirSync(lock);
      writeFileSync(path.join(lock, 'pid'), String(process.pid));
      break;
    } catch {
      if (existsSync(marker)) return ensureSkypilotVenv();
      if (waited > 900 || !makerAlive(lock)) rmSync(lock, { recursive: true, force: true });
      else spawnSync('sleep', ['2']);
    }
  }
  try {
    rmSync(dir, { recursive: true, force: true });
    const interpreter = process.env.SKYPORT_COMPAT_PYTHON ?? 'python3';
    const made = run(interpreter, ['-m', 'venv', dir], 120_000);
    if (!made.ok) return { ok: false, reason: `${interpreter} -m venv failed: ${made.output.trim().slice(-400)}` };
    // --no-compile: byte-compiling every module of every dependency is a good part of the install time; the
    // modules validation imports are compiled (and cached) on first use instead.
    const pip = run(python, ['-m', 'pip', 'install', '--quiet', '--no-compile', `skypilot==${SKYPILOT_VERSION}`], 600_000);
    if (!pip.ok) return { ok: false, reason: `pip install skypilot==${SKYPILOT_VERSION} failed (offline?): ${pip.output.trim().slice(-400)}` };
    writeFileSync(marker, `${SKYPILOT_VERSION}\n`);
    return { ok: true, python, created: true, seconds: seconds() };
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
