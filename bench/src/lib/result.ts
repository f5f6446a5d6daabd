import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '@skyport/dev-stack';

/** Where every benchmark writes its JSON result (git-ignored). */
export function resultsDir(): string {
  return join(repoRoot(), 'bench', 'results');
}

/**
 * Writes `bench/results/<name>-<timestamp>.json` with the figures, the method and the machine it ran on, and
 * returns the path.
 */
export function writeResult(name: string, result: { method: string; [key: string]: unknown }): string {
  const dir = resultsDir();
  mkdirSync(dir, { recursive: true });
  const at = new Date().toISOString();
  const file = join(dir, `${name}-${at.replace(/[:.]/g, '-')}.json`);
  const machine = { node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model, loadavg: loadavg().map((l) => Number(l.toFixed(2))) };
  writeFileSync(file, JSON.stringify({ benchmark: name, at, machine, ...result }, null, 2) + '\n');
  console.log(`result: ${file}`);
  return file;
}

/** Prints what a benchmark measures and how, before it starts. */
export function header(title: string, method: string): void {
  console.log(`\n=== ${title} ===`);
  for (const line of method.split('\n')) console.log(`  ${line}`);
  console.log(`  machine: ${cpus().length} cores, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} (shared, noisy)`);
}

/** Runs a benchmark's main when its file is run directly (`node bench/dist/<name>.js`): exit 0, or 1 with the error. */
export function runWhenMain(mod: NodeJS.Module, main: () => Promise<void>): void {
  if (require.main !== mod) return;
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error instanceof Error ? error.stack : error);
      process.exit(1);
    },
  );
}
