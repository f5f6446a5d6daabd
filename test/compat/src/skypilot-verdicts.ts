import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface SkypilotVerdict {
  file: string;
  verdict: 'valid' | 'invalid' | 'error';
  stage?: string;
  message?: string;
  /** Checks whose answer depends on the machine (enabled clouds, catalogs, named volumes), not on the file. */
  skipped?: string[];
  /** Connections SkyPilot tried to open; refused, and a failure of the harness. */
  network_attempts?: string[];
}

/** The script that runs SkyPilot's own loading and validation (test/compat/skypilot/validate_tasks.py). */
export const VALIDATE_SCRIPT = path.resolve(__dirname, '..', 'skypilot', 'validate_tasks.py');

let unshareWorks: boolean | undefined;
/** `unshare -n` gives the process a network namespace with no interface up: nothing can leave the machine. */
function canUnshareNetwork(): boolean {
  unshareWorks ??= spawnSync('unshare', ['-n', 'true'], { timeout: 10_000 }).status === 0;
  return unshareWorks;
}

/**
 * SkyPilot's verdict on every file, from one Python process (importing `sky` takes seconds). Runs with a
 * throwaway HOME (no ~/.sky, ~/.kube, ~/.aws), without cloud credentials in the environment, with usage
 * collection off, and in an isolated network namespace where the system allows it; the script itself refuses
 * every socket connect and catalog download besides.
 */
export function skypilotVerdicts(python: string, files: readonly string[]): { verdicts: Map<string, SkypilotVerdict>; isolated: boolean; seconds: number } {
  const started = Date.now();
  const home = mkdtempSync(path.join(tmpdir(), 'skyport-compat-home-'));
  try {
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: home, LANG: 'C.UTF-8', SKYPILOT_DISABLE_USAGE_COLLECTION: '1' };
    const isolated = canUnshareNetwork();
    const [cmd, args] = isolated ? ['unshare', ['-n', python, VALIDATE_SCRIPT]] : [python, [VALIDATE_SCRIPT]];
    const r = spawnSync(cmd, args, { input: files.join('\n'), encoding: 'utf8', env, cwd: home, timeout: 300_000, maxBuffer: 64 * 1024 * 1024 });
    if (r.status !== 0) throw new Error(`SkyPilot validation script failed (exit ${r.status ?? r.signal}): ${(r.stderr ?? '').slice(-2000)}`);
    const verdicts = new Map<string, SkypilotVerdict>();
    for (const line of r.stdout.split('\n')) {
      if (!line.trim()) continue;
      const v = JSON.parse(line) as SkypilotVerdict;
      verdicts.set(v.file, v);
    }
    return { verdicts, isolated, seconds: Math.round((Date.now() - started) / 100) / 10 };
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}
