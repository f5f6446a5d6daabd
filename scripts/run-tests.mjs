#!/usr/bin/env node
// Finds compiled test files and runs them with node's built-in test runner.
//   node scripts/run-tests.mjs [--unit|--integration|--e2e|--all] [DIR...]
// Unit tests (*.spec.js) need nothing running. Integration tests (*.integration-spec.js) and
// end-to-end tests (*.e2e-spec.js) expect the local stack: scripts/test.sh starts it and exports its
// addresses (SKYPORT_TEST_DATABASE_URL, SKYPORT_TEST_REDIS_URL, SKYPORT_TEST_KUBECONFIG).
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const args = process.argv.slice(2);
const kinds = new Set();
const roots = [];
for (const arg of args) {
  if (arg === '--unit') kinds.add('unit');
  else if (arg === '--integration') kinds.add('integration');
  else if (arg === '--e2e') kinds.add('e2e');
  else if (arg === '--all') ['unit', 'integration', 'e2e'].forEach((k) => kinds.add(k));
  else roots.push(arg);
}
if (kinds.size === 0) kinds.add('unit');
if (roots.length === 0) roots.push('libs', 'apps', 'tools', 'test');

const suffix = { unit: '.spec.js', integration: '.integration-spec.js', e2e: '.e2e-spec.js' };

function walk(dir, out) {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const path = join(dir, name);
    const stat = statSync(path);
    if (stat.isDirectory()) walk(path, out);
    else if (path.includes(`${'/'}dist${'/'}`) || path.startsWith('dist/')) {
      for (const kind of kinds) {
        if (name.endsWith(suffix[kind]) && !(kind === 'unit' && /\.(integration|e2e)-spec\.js$/.test(name))) out.push(path);
      }
    }
  }
}

const files = [];
for (const root of roots) walk(root, files);
files.sort();
if (files.length === 0) {
  console.log(`no ${[...kinds].join('/')} test files under ${roots.join(' ')}`);
  process.exit(0);
}
const concurrency = process.env.SKYPORT_TEST_CONCURRENCY ?? (kinds.has('unit') && kinds.size === 1 ? '2' : '1');
const result = spawnSync(
  process.execPath,
  ['--enable-source-maps', '--test', `--test-concurrency=${concurrency}`, `--test-timeout=${process.env.SKYPORT_TEST_TIMEOUT_MS ?? 300000}`, '--test-reporter=spec', ...files],
  { stdio: 'inherit', env: process.env },
);
process.exit(result.status ?? 1);
