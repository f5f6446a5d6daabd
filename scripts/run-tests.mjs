#!/usr/bin/env node
// Finds compiled test files and runs them with node's built-in test runner.
//   node scripts/run-tests.mjs [--unit|--integration|--e2e|--all] [DIR...]
// Unit tests (*.spec.js) need nothing running and run two at a time. Integration tests
// (*.integration-spec.js) and end-to-end tests (*.e2e-spec.js) expect the local stack and run one file at a
// time: scripts/test.sh starts the stack and exports its addresses (SKYPORT_TEST_DATABASE_URL,
// SKYPORT_TEST_REDIS_URL, SKYPORT_TEST_KUBECONFIG). Ends with one line: "N passed, N failed".
import { mkdtempSync, readdirSync, readFileSync, statSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const KINDS = ['unit', 'integration', 'e2e'];
const SUFFIX = { unit: '.spec.js', integration: '.integration-spec.js', e2e: '.e2e-spec.js' };
const CONCURRENCY = { unit: '2', integration: '1', e2e: '1' };
// End-to-end suites start five services and a browser or clusters; on a loaded 2-core box a whole suite can take
// minutes, so they get more room than one integration test.
const TIMEOUT_MS = { unit: 300000, integration: 300000, e2e: 600000 };

const args = process.argv.slice(2);
const kinds = new Set();
const roots = [];
for (const arg of args) {
  if (arg === '--all') KINDS.forEach((k) => kinds.add(k));
  else if (arg.startsWith('--') && KINDS.includes(arg.slice(2))) kinds.add(arg.slice(2));
  else roots.push(arg);
}
if (kinds.size === 0) kinds.add('unit');
if (roots.length === 0) roots.push('libs', 'apps', 'tools', 'test', 'bench');

function kindOf(name) {
  if (name.endsWith(SUFFIX.integration)) return 'integration';
  if (name.endsWith(SUFFIX.e2e)) return 'e2e';
  if (name.endsWith(SUFFIX.unit)) return 'unit';
  return undefined;
}

function walk(dir, inDist, out) {
  if (!existsSync(dir)) return;
  if (statSync(dir).isFile()) {
    const kind = kindOf(dir);
    if (kind && kinds.has(kind)) out[kind].push(dir);
    return;
  }
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, inDist || name === 'dist', out);
    else if (inDist) {
      const kind = kindOf(name);
      if (kind && kinds.has(kind)) out[kind].push(path);
    }
  }
}

const files = { unit: [], integration: [], e2e: [] };
for (const root of roots) walk(root, root.split('/').includes('dist'), files);

const totals = { pass: 0, fail: 0, skipped: 0 };
let failedRun = false;
const scratch = mkdtempSync(join(tmpdir(), 'skyport-tests-'));
for (const kind of KINDS) {
  const list = files[kind].sort();
  if (!kinds.has(kind)) continue;
  if (list.length === 0) {
    console.log(`no ${kind} test files under ${roots.join(' ')}`);
    continue;
  }
  console.log(`\n=== ${kind} tests: ${list.length} files ===`);
  const tap = join(scratch, `${kind}.tap`);
  const result = spawnSync(
    process.execPath,
    [
      '--enable-source-maps',
      '--require',
      join(import.meta.dirname, 'test-exit-guard.cjs'),
      '--test',
      `--test-concurrency=${process.env.SKYPORT_TEST_CONCURRENCY ?? CONCURRENCY[kind]}`,
      `--test-timeout=${process.env.SKYPORT_TEST_TIMEOUT_MS ?? TIMEOUT_MS[kind]}`,
      '--test-reporter=spec',
      '--test-reporter-destination=stdout',
      '--test-reporter=tap',
      `--test-reporter-destination=${tap}`,
      ...list,
    ],
    { stdio: 'inherit', env: process.env },
  );
  const summary = existsSync(tap) ? readFileSync(tap, 'utf8') : '';
  const count = (key) => Number((summary.match(new RegExp(`^# ${key} (\\d+)$`, 'm')) ?? [])[1] ?? 0);
  totals.pass += count('pass');
  totals.fail += count('fail') + count('cancelled');
  totals.skipped += count('skipped');
  if (result.status !== 0) failedRun = true;
}
rmSync(scratch, { recursive: true, force: true });
if (failedRun && totals.fail === 0) totals.fail = 1; // a runner that failed outside any test still fails
console.log(`\n${totals.pass} passed, ${totals.fail} failed, ${totals.skipped} skipped`);
process.exit(failedRun || totals.fail > 0 ? 1 : 0);
