#!/usr/bin/env node
// Finds compiled test files and runs them with node's built-in test runner.
//   node scripts/run-tests.mjs [--unit|--integration|--e2e|--all] [--lanes] [DIR...]
// --lanes prints which lane each integration and end-to-end file would run in, and runs nothing.
// Unit tests (*.spec.js) need nothing running and run two at a time. Integration tests
// (*.integration-spec.js) and end-to-end tests (*.e2e-spec.js) expect the local stack: scripts/test.sh starts it
// and exports its addresses (SKYPORT_TEST_DATABASE_URL, SKYPORT_TEST_REDIS_URL, SKYPORT_TEST_KUBECONFIG).
// Integration and end-to-end files run in two lanes side by side (SKYPORT_TEST_LANES=1 for one), one file at a time
// in each lane, each file with a Redis database of its own. Integration: the files that use the shared Kubernetes
// control plane, moto or sshd (SHARED_MARKERS below) in one lane, the rest in the other. End-to-end: the files that
// start a cluster of their own (real nodes, the self-hosted and compose installs) in one lane, the files on the
// shared cluster in the other. Ends with one line: "N passed, N failed".
import { mkdtempSync, readdirSync, readFileSync, statSync, existsSync, rmSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { spawn, spawnSync } from 'node:child_process';

const KINDS = ['unit', 'integration', 'e2e'];
const SUFFIX = { unit: '.spec.js', integration: '.integration-spec.js', e2e: '.e2e-spec.js' };
const CONCURRENCY = { unit: '2', integration: '1', e2e: '1' };
// End-to-end suites start five services and a browser or clusters; on a loaded 2-core box a whole suite can take
// minutes (the self-host suite builds its images on a cold machine), so they get more room than one integration test.
const TIMEOUT_MS = { unit: 300000, integration: 300000, e2e: 900000 };

// `npm run stack -- env` also exports the quick start's S3 (its moto, SKYPORT_S3_*): tests start their own moto, and
// the services they start inherit this environment, where those settings would configure S3 behind their backs.
for (const name of ['SKYPORT_S3_ENDPOINT', 'SKYPORT_S3_ACCESS_KEY_ID', 'SKYPORT_S3_SECRET_ACCESS_KEY']) delete process.env[name];

const args = process.argv.slice(2);
const kinds = new Set();
const roots = [];
let listLanes = false;
for (const arg of args) {
  if (arg === '--all') KINDS.forEach((k) => kinds.add(k));
  else if (arg === '--lanes') listLanes = true;
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
// The failing tests by name, repeated at the very end: CI shows only the tail of a long run.
const failures = [];
let failedRun = false;
const scratch = mkdtempSync(join(tmpdir(), 'skyport-tests-'));

function runnerArgs(kind, concurrency, tap, list) {
  return [
    '--enable-source-maps',
    '--require',
    join(import.meta.dirname, 'test-exit-guard.cjs'),
    '--test',
    `--test-concurrency=${concurrency}`,
    `--test-timeout=${process.env.SKYPORT_TEST_TIMEOUT_MS ?? TIMEOUT_MS[kind]}`,
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    '--test-reporter=tap',
    `--test-reporter-destination=${tap}`,
    ...list,
  ];
}

function countTap(tap, file) {
  const summary = existsSync(tap) ? readFileSync(tap, 'utf8') : '';
  for (const [, name] of summary.matchAll(/^\s*not ok \d+ - (.*)$/gm)) {
    if (!/# (TODO|SKIP)\b/.test(name)) failures.push(file ? `${file}: ${name}` : name);
  }
  const count = (key) => Number((summary.match(new RegExp(`^# ${key} (\\d+)$`, 'm')) ?? [])[1] ?? 0);
  totals.pass += count('pass');
  totals.fail += count('fail') + count('cancelled');
  totals.skipped += count('skipped');
}

// Whether a compiled test file (or a local module it requires) uses something every file shares and some files
// change: the Kubernetes control plane (or a service that drives it), moto (server-wide auth switch), sshd.
// Conservative: a false "yes" only costs time, a false "no" could let two files fight over the cluster's nodes.
// The markers are the ways a file reaches them: the cluster's kubeconfig (testKubeTarget, testEnv().kubeconfig,
// KUBECONFIG, --kubeconfig, a KubeConfig loaded), kubectl, the KWOK harness and cluster.sh, moto and sshd — and a
// started service other than the api and the optimizer (startService, servicesUp): a service inherits the runner's
// KUBECONFIG, and the provisioner, autodown and logs drive the cluster by themselves (the api only for `skyport ssh`,
// the optimizer never). Not markers: a service's name in a string (gRPC identities, the chart's and compose's
// service lists) and helm: `helm template` and `helm lint` are local, and the deploy tests' helm commands that reach
// the cluster pass --kubeconfig from support/cluster.ts's testCluster() (both markers); a new one must too, since
// helm would otherwise use the runner's KUBECONFIG without a word in the file.
const SHARED_MARKERS = /testKubeTarget|kubeAvailable|kubeconfig|kubectl|KubeConfig|kwok|cluster\.sh|startKube|moto|sshd|servicesUp|startService\)?\((?!\s*['"](api|optimizer)['"])/i;
function usesSharedState(file, seen = new Set()) {
  if (seen.has(file) || !existsSync(file)) return false;
  seen.add(file);
  const text = readFileSync(file, 'utf8');
  if (SHARED_MARKERS.test(text)) return true;
  for (const [, spec] of text.matchAll(/require\("(\.{1,2}\/[^"]+)"\)/g)) {
    const base = resolve(dirname(file), spec);
    const target = [base, `${base}.js`, join(base, 'index.js')].find((p) => existsSync(p) && statSync(p).isFile());
    if (target && usesSharedState(target, seen)) return true;
  }
  return false;
}

// Whether a compiled end-to-end file starts a Kubernetes cluster of its own (real nodes: a suite's own cluster, the
// self-hosted install's, the compose install's) rather than using the shared control plane: those files run in a
// lane of their own beside the others. They share nothing with the shared cluster's files but the machine: each e2e
// stack has its own database, Redis database, ports and temporary directories.
const OWN_CLUSTER_MARKERS = /startRealStack|startKubeCluster|SELFHOST_CLI/;
// The file's own text only: shared support modules mention startKubeCluster as a fallback for runs outside the harness.
const startsOwnCluster = (file) => OWN_CLUSTER_MARKERS.test(readFileSync(file, 'utf8'));

// One lane: its files one at a time, each in its own `node --test` with its own Redis database, output prefixed.
async function runLane(kind, name, list, redisDbs) {
  let failed = false;
  for (const [i, file] of list.entries()) {
    const tap = join(scratch, `${kind}-${name}-${i}.tap`);
    const child = spawn(process.execPath, runnerArgs(kind, 1, tap, [file]), {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, SKYPORT_TEST_REDIS_DB: String(redisDbs[i % redisDbs.length]) },
    });
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on('line', (line) => (stream === child.stdout ? process.stdout : process.stderr).write(`[${name}] ${line}\n`));
    }
    const started = Date.now();
    const code = await new Promise((done) => child.on('close', (c) => done(c)));
    console.log(`[${name}] ${code === 0 ? 'ok' : 'FAILED'} ${file} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    countTap(tap, file);
    if (code !== 0) failed = true;
  }
  return failed;
}

for (const kind of KINDS) {
  const list = files[kind].sort();
  if (!kinds.has(kind)) continue;
  if (list.length === 0) {
    console.log(`no ${kind} test files under ${roots.join(' ')}`);
    continue;
  }
  console.log(`\n=== ${kind} tests: ${list.length} files ===`);
  const lanes = Number(process.env.SKYPORT_TEST_LANES ?? 2);
  if (kind === 'integration' && lanes > 1 && !process.env.SKYPORT_TEST_CONCURRENCY) {
    const shared = list.filter((f) => usesSharedState(f));
    const other = list.filter((f) => !shared.includes(f));
    console.log(`(two lanes: [shared] ${shared.length} files using the control plane, moto or sshd; [other] ${other.length} files)`);
    if (listLanes) {
      for (const [name, lane] of [['shared', shared], ['other', other]]) for (const f of lane) console.log(`[${name}] ${f}`);
      continue;
    }
    // Odd Redis databases for one lane, even for the other, so a file never shares one with the file beside it; each
    // lane starts at a random one, so two runners on one machine (developers running files by hand) rarely meet.
    const start = Math.floor(Math.random() * 7);
    const rotate = (dbs) => [...dbs.slice(start % dbs.length), ...dbs.slice(0, start % dbs.length)];
    const results = await Promise.all([runLane(kind, 'shared', shared, rotate([1, 3, 5, 7, 9, 11, 13, 15])), runLane(kind, 'other', other, rotate([2, 4, 6, 8, 10, 12, 14]))]);
    if (results.some(Boolean)) failedRun = true;
    continue;
  }
  if (kind === 'e2e' && lanes > 1 && !process.env.SKYPORT_TEST_CONCURRENCY) {
    const own = list.filter((f) => startsOwnCluster(f));
    const other = list.filter((f) => !own.includes(f));
    console.log(`(two lanes: [own-cluster] ${own.length} files starting clusters of their own; [shared-cluster] ${other.length} files)`);
    if (listLanes) {
      for (const [name, lane] of [['own-cluster', own], ['shared-cluster', other]]) for (const f of lane) console.log(`[${name}] ${f}`);
      continue;
    }
    const results = await Promise.all([runLane(kind, 'own-cluster', own, [1, 3, 5, 7, 9, 11, 13, 15]), runLane(kind, 'shared-cluster', other, [2, 4, 6, 8, 10, 12, 14])]);
    if (results.some(Boolean)) failedRun = true;
    continue;
  }
  if (listLanes) {
    for (const f of list) console.log(`[one lane] ${f}`);
    continue;
  }
  const tap = join(scratch, `${kind}.tap`);
  const result = spawnSync(process.execPath, runnerArgs(kind, process.env.SKYPORT_TEST_CONCURRENCY ?? CONCURRENCY[kind], tap, list), { stdio: 'inherit', env: process.env });
  countTap(tap);
  if (result.status !== 0) failedRun = true;
}
rmSync(scratch, { recursive: true, force: true });
if (listLanes) process.exit(0);
if (failedRun && totals.fail === 0) totals.fail = 1; // a runner that failed outside any test still fails
if (failures.length > 0) console.log(`\nFailed:\n${failures.map((f) => `  ${f}`).join('\n')}`);
console.log(`\n${totals.pass} passed, ${totals.fail} failed, ${totals.skipped} skipped`);
process.exit(failedRun || totals.fail > 0 ? 1 : 0);
