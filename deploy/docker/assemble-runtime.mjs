#!/usr/bin/env node
// Lays out the runtime tree of the Skyport image: `node deploy/docker/assemble-runtime.mjs SRC DEST`.
// Copies the root manifests and (already pruned) node_modules, and for every libs/* and apps/* workspace that
// was built, its package.json plus the entries of its "files" list (default: dist) — without tests, build
// info or declaration maps. Workspace symlinks in node_modules/@skyport keep resolving inside DEST.
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const [src, dest] = process.argv.slice(2);
if (!src || !dest) {
  process.stderr.write('usage: assemble-runtime.mjs SRC DEST\n');
  process.exit(2);
}

const skip = (path) => /\.(integration-|e2e-)?spec\.(js|d\.ts|js\.map)$|\.tsbuildinfo$|\.d\.ts\.map$/.test(path);
const copy = (from, to) => cpSync(from, to, { recursive: true, verbatimSymlinks: true, filter: (p) => !skip(p) });

mkdirSync(dest, { recursive: true });
for (const f of ['package.json', 'package-lock.json']) copy(join(src, f), join(dest, f));
copy(join(src, 'node_modules'), join(dest, 'node_modules'));

let count = 0;
for (const group of ['libs', 'apps']) {
  const dir = join(src, group);
  if (!existsSync(dir)) continue;
  for (const name of readdirSync(dir)) {
    const ws = join(dir, name);
    const manifest = join(ws, 'package.json');
    if (!existsSync(manifest) || !existsSync(join(ws, 'dist'))) continue; // not part of this build
    const pkg = JSON.parse(readFileSync(manifest, 'utf8'));
    const out = join(dest, relative(src, ws));
    mkdirSync(out, { recursive: true });
    copy(manifest, join(out, 'package.json'));
    for (const entry of pkg.files ?? ['dist']) {
      const from = join(ws, entry);
      if (existsSync(from)) copy(from, join(out, entry));
    }
    if (!statSync(join(out, 'dist')).isDirectory()) throw new Error(`${ws}: dist missing after copy`);
    count += 1;
  }
}
process.stdout.write(`assembled ${count} workspaces into ${dest}\n`);
