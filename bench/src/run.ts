// The benchmark runner behind `npx nx run bench:bench` (not part of `npm test`).
//   node bench/dist/run.js [name...]      names: see BENCHMARKS; none = all, in this order
// Each benchmark runs as its own process (it starts what it needs and cleans up); the local clusters are kept
// between benchmarks (SKYPORT_BENCH_KEEP_CLUSTER=1) and stopped at the end. Results: bench/results/*.json.
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '@skyport/dev-stack';

/** name → [script, default arguments]. Small-cluster benchmarks first, then the two-cluster and large ones. */
export const BENCHMARKS: Record<string, [string, string[]]> = {
  'plan-latency': ['plan-latency.js', []],
  'launch-overhead': ['launch-overhead.js', ['10', '100']],
  'api-requests': ['api-requests.js', ['5', '30']],
  'api-throughput': ['api-throughput.js', ['10', '10']],
  'submission-rate': ['submission-rate.js', ['10', '20', '3']],
  'logs-latency': ['logs-latency.js', ['30', '100', '10', '250', '3']],
  'burst-decision': ['burst-decision.js', ['3']],
  'launch-rate': ['launch-rate.js', ['30', '100']],
  scale: ['scale.js', ['100', '100']],
};

const CLUSTERS = ['bench', 'bench-b', 'bench-req', 'bench-large'];

function main(argv: string[]): number {
  const unknown = argv.filter((a) => !BENCHMARKS[a]);
  if (unknown.length) {
    console.error(`unknown benchmark(s): ${unknown.join(', ')}; choose from ${Object.keys(BENCHMARKS).join(', ')}`);
    return 2;
  }
  const chosen = argv.length ? argv : Object.keys(BENCHMARKS);
  const failed: string[] = [];
  try {
    for (const name of chosen) {
      const [script, args] = BENCHMARKS[name];
      const started = Date.now();
      const r = spawnSync(process.execPath, [join(__dirname, script), ...args], { stdio: 'inherit', env: { ...process.env, SKYPORT_BENCH_KEEP_CLUSTER: '1' } });
      console.log(`--- ${name}: ${r.status === 0 ? 'done' : `FAILED (exit ${r.status ?? r.signal})`} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
      if (r.status !== 0) failed.push(name);
    }
  } finally {
    if (process.env.SKYPORT_BENCH_KEEP_CLUSTER !== '1') {
      execFileSync('bash', [join(repoRoot(), 'test', 'cluster', 'cluster.sh'), 'down', ...CLUSTERS.flatMap((c) => ['--name', `${process.env.SKYPORT_BENCH_CLUSTER_PREFIX ?? ''}${c}`])], { stdio: 'inherit' });
    }
  }
  if (failed.length) console.error(`failed: ${failed.join(', ')}`);
  return failed.length ? 1 : 0;
}

if (require.main === module) process.exit(main(process.argv.slice(2)));
