import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { generateMutations } from './mutations';

export interface CorpusEntry {
  /** The allow-list key: the corpus file's name, or the mutation's `family/slug`. */
  id: string;
  file: string;
  kind: 'example' | 'mutation';
}

/** The repository root: the nearest directory upwards whose package.json is the workspace root. */
export function repoRoot(from = __dirname): string {
  let dir = from;
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { workspaces?: unknown }).workspaces) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no workspace root above ${from}`);
    dir = parent;
  }
}

/** SkyPilot's examples and tests (../shared/compat/skypilot-tasks beside the checkout, or SKYPORT_COMPAT_CORPUS). */
export function examplesDir(): string {
  return process.env.SKYPORT_COMPAT_CORPUS ?? path.resolve(repoRoot(), '..', 'shared', 'compat', 'skypilot-tasks');
}

/** The example files (sorted) plus the generated mutations, written under `workDir`. */
export function buildCorpus(workDir: string): CorpusEntry[] {
  const entries: CorpusEntry[] = [];
  const examples = examplesDir();
  if (existsSync(examples)) {
    for (const name of readdirSync(examples).filter((f) => /\.ya?ml$/.test(f)).sort()) {
      entries.push({ id: name, file: path.join(examples, name), kind: 'example' });
    }
  }
  mkdirSync(workDir, { recursive: true });
  for (const m of generateMutations()) {
    const file = path.join(workDir, `${m.id.replace(/\//g, '__')}.yaml`);
    writeFileSync(file, m.text);
    entries.push({ id: m.id, file, kind: 'mutation' });
  }
  return entries;
}
