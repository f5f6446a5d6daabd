import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ignore, { type Ignore } from 'ignore';

/**
 * SkyPilot's exclusion rules for a packed directory: `.skyignore` at its root when present (and then only that),
 * else every `.gitignore` in the tree, each applying to paths below its own directory (as rsync's
 * `dir-merge,- .gitignore` does).
 */
export class IgnoreRules {
  private readonly skyignore?: Ignore;
  private readonly gitignores = new Map<string, Ignore>();

  constructor(private readonly root: string) {
    const sky = readText(join(root, '.skyignore'));
    if (sky !== undefined) this.skyignore = ignore().add(sky);
  }

  /** Reads `<dir>/.gitignore` (dir relative to the root, '' for the root) before its entries are listed. */
  enterDirectory(dir: string): void {
    if (this.skyignore) return;
    const text = readText(join(this.root, dir, '.gitignore'));
    if (text !== undefined) this.gitignores.set(dir, ignore().add(text));
  }

  /** `path` is relative to the root, `/`-separated; directories are tested with a trailing slash. */
  ignores(path: string, isDir: boolean): boolean {
    const subject = isDir ? `${path}/` : path;
    if (this.skyignore) return this.skyignore.ignores(subject);
    for (const [dir, rules] of this.gitignores) {
      if (dir !== '' && !subject.startsWith(`${dir}/`)) continue;
      const relative = dir === '' ? subject : subject.slice(dir.length + 1);
      if (relative && rules.ignores(relative)) return true;
    }
    return false;
  }
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}
