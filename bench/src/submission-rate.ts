// Issue 22, goal 3 — launch submissions accepted per second by two api replicas, and none lost.
//   npx tsc -b bench && node bench/dist/submission-rate.js [seconds=10] [connections=20] [runs=3]
// SKYPORT_BENCH_API_MAIN=<dir>/main.js runs another build of the api (a before/after in one session);
// SKYPORT_BENCH_OPTIMIZER_MAIN=<dir>/main.js likewise for the optimizer;
// SKYPORT_BENCH_LABEL names the variant in the output and the result file.
import { cpus, loadavg } from 'node:os';
import { Queue } from 'bullmq';
import IORedis from 'ioredis';
import { Client } from 'pg';
import { QueueName } from '@skyport/contracts';
import type { RunningService } from '@skyport/dev-stack';
import { BENCH_TOKEN, benchCluster, cpuSeconds, startSkyport, type SkyportUnderTest } from './lib/bench-stack';
import { spreadLoad, type SpreadResult } from './lib/cannon';
import { taskYaml } from './lib/launching';
import { header, writeResult, runWhenMain } from './lib/result';
import { median, round, sleep } from './lib/stats';

const METHOD = `Two api replicas (plus the optimizer, provisioner, logs and autodown, as in production) on a fresh
database; the bench's own Redis with the provision queue paused, so every launch is planned but no pod is made.
Each run: GET /healthz on both replicas (the same-run baseline: the HTTP stack alone), then POST
/v1/clusters/<new name>/launch (a 1-node task, admin token) — autocannon, C connections shared over the replicas,
S seconds each. accepted/s = 202 answers ÷ the load's wall time; latency over every 202 of both replicas; api CPU
(both replicas, /proc) ÷ 202s; then waits until each accepted request has a plan (lost = accepted without one when
planning stops progressing for 60 s). The median of the runs is reported with the spread (min–max).`;

interface RunFigures {
  health: { rps: number; p50: number; p99: number; non200: number };
  launch: { acceptedPerS: number; p50: number; p99: number; accepted: number; refused: number; errors: number; apiCpuMsPerLaunch: number; optimizerCpuMsPerLaunch: number };
  lost: number;
  /** From the end of the load until the last accepted request had its plan. */
  drainS: number;
  load: { min: number; max: number };
}

const fmtSpread = (values: number[], digits = 1): string => `${round(median(values), digits)} (${round(Math.min(...values), digits)}–${round(Math.max(...values), digits)})`;

/** Every accepted request with a plan, or planning has stopped moving for `stallMs`. */
async function waitPlanned(db: Client, ids: readonly string[], stallMs = 60_000): Promise<{ planned: number; drainS: number }> {
  const started = Date.now();
  let last = -1;
  let lastMove = Date.now();
  for (;;) {
    const rows = (await db.query('SELECT count(DISTINCT request_id)::int AS n FROM plans WHERE request_id::text = ANY($1::text[])', [ids])).rows as Array<{ n: number }>;
    const planned = rows[0].n;
    if (planned === ids.length || Date.now() - lastMove > stallMs) return { planned, drainS: (Date.now() - started) / 1000 };
    if (planned !== last) {
      last = planned;
      lastMove = Date.now();
    }
    await sleep(500);
  }
}

function pidOf(service: RunningService | undefined): number {
  const pid = service?.process.pid;
  if (pid === undefined) throw new Error(`no process id for ${service?.name ?? 'a service that did not start'}`);
  return pid;
}

async function oneRun(sky: SkyportUnderTest, db: Client, tag: string, seconds: number, connections: number): Promise<RunFigures> {
  const urls = sky.apis.map((a) => a.url);
  const loads: number[] = [];
  const sampler = setInterval(() => loads.push(loadavg()[0]), 1000);
  loads.push(loadavg()[0]);
  try {
    const health: SpreadResult = await spreadLoad({ urls: urls.map((u) => `${u}/healthz`), connections, seconds, okStatus: 200 });
    const ids: string[] = [];
    let n = 0;
    const pids = sky.apis.map((a) => pidOf(a.service));
    const optimizerPid = pidOf(sky.services.get('optimizer'));
    const cpuBefore = pids.map(cpuSeconds);
    const optBefore = cpuSeconds(optimizerPid);
    const launch = await spreadLoad({
      urls,
      connections,
      seconds,
      okStatus: 202,
      method: 'POST',
      headers: { authorization: `Bearer ${BENCH_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ task: taskYaml({ name: 'sub' }) }),
      nextPath: () => `/v1/clusters/${tag}-${n++}/launch`,
      onOk: (body) => ids.push((JSON.parse(body) as { requestId: string }).requestId),
    });
    const apiCpu = pids.map(cpuSeconds).reduce((s, v, i) => s + v - cpuBefore[i], 0);
    const optCpu = cpuSeconds(optimizerPid) - optBefore;
    const { planned, drainS } = await waitPlanned(db, ids);
    const refused = Object.entries(launch.statuses).reduce((s, [code, count]) => s + (Number(code) === 202 ? 0 : count), 0);
    if (launch.samples.length) console.log(`    not 202: ${launch.samples.join(' | ')}`);
    if (health.samples.length) console.log(`    healthz not 200: ${health.samples.join(' | ')}`);
    const accepted = ids.length;
    return {
      health: { rps: health.ok / health.seconds, p50: health.latency.p50, p99: health.latency.p99, non200: Object.values(health.statuses).reduce((s, v) => s + v, 0) - health.ok },
      launch: {
        acceptedPerS: accepted / launch.seconds,
        p50: launch.latency.p50,
        p99: launch.latency.p99,
        accepted,
        refused,
        errors: launch.errors,
        apiCpuMsPerLaunch: accepted ? (apiCpu * 1000) / accepted : NaN,
        optimizerCpuMsPerLaunch: accepted ? (optCpu * 1000) / accepted : NaN,
      },
      lost: accepted - planned,
      drainS,
      load: { min: Math.min(...loads), max: Math.max(...loads) },
    };
  } finally {
    clearInterval(sampler);
  }
}

export async function main(argv = process.argv.slice(2)): Promise<void> {
  const seconds = Number(argv[0] ?? 10);
  const connections = Number(argv[1] ?? 20);
  const runs = Number(argv[2] ?? 3);
  const apiMain = process.env.SKYPORT_BENCH_API_MAIN || undefined;
  const optimizerMain = process.env.SKYPORT_BENCH_OPTIMIZER_MAIN || undefined;
  const label = process.env.SKYPORT_BENCH_LABEL ?? (apiMain ? `api ${apiMain}` : 'api of this checkout');
  header('launch submissions per second (issue 22, goal 3)', METHOD);
  console.log(`  variant: ${label}; ${seconds} s per load, ${connections} connections, ${runs} run(s)`);
  const cluster = benchCluster('bench', 'small');
  const sky = await startSkyport('subrate', { contexts: [cluster.context], kubeconfig: cluster.kubeconfig, apiReplicas: 2, apiMain, mains: { optimizer: optimizerMain } });
  const redis = new IORedis(sky.env.SKYPORT_REDIS_URL, { maxRetriesPerRequest: null });
  const provision = new Queue(QueueName.Provision, { connection: redis });
  const db = new Client({ connectionString: sky.env.SKYPORT_DATABASE_URL });
  try {
    // Planned is the end of what this measures: no provisioner takes the plans up, so no pod is made for them.
    await provision.pause();
    await db.connect();
    // Warm-up (JIT, connection pools, the catalog): a short load whose figures are dropped.
    const warm = await oneRun(sky, db, 'w', Math.min(3, seconds), connections);
    console.log(`  warm-up: ${warm.launch.accepted} accepted, ${warm.lost} without a plan`);
    const figures: RunFigures[] = [];
    for (let r = 1; r <= runs; r++) {
      const f = await oneRun(sky, db, `r${r}`, seconds, connections);
      figures.push(f);
      console.log(
        `  run ${r}: launch ${round(f.launch.acceptedPerS)} accepted/s (${f.launch.accepted} accepted, ${f.launch.refused} refused, ${f.launch.errors} errors) ` +
          `p50 ${round(f.launch.p50)} ms p99 ${round(f.launch.p99)} ms; lost ${f.lost} (all planned ${round(f.drainS)} s after the load); ` +
          `api CPU ${round(f.launch.apiCpuMsPerLaunch, 2)} ms/launch, optimizer ${round(f.launch.optimizerCpuMsPerLaunch, 2)}; ` +
          `healthz ${round(f.health.rps)} req/s p50 ${round(f.health.p50)} p99 ${round(f.health.p99)} ms; load ${round(f.load.min)}–${round(f.load.max)}`,
      );
    }
    const pick = (get: (f: RunFigures) => number): number[] => figures.map(get);
    console.log(`median (min–max) of ${runs} run(s), ${label}:`);
    console.log(`  launches accepted/s ${fmtSpread(pick((f) => f.launch.acceptedPerS))}, p50 ${fmtSpread(pick((f) => f.launch.p50))} ms, p99 ${fmtSpread(pick((f) => f.launch.p99))} ms`);
    console.log(`  lost ${pick((f) => f.lost).join(', ')} (of ${pick((f) => f.launch.accepted).join(', ')} accepted); api CPU per accepted launch ${fmtSpread(pick((f) => f.launch.apiCpuMsPerLaunch), 2)} ms`);
    console.log(`  GET /healthz (same replicas) ${fmtSpread(pick((f) => f.health.rps))} req/s, p50 ${fmtSpread(pick((f) => f.health.p50))} ms, p99 ${fmtSpread(pick((f) => f.health.p99))} ms`);
    console.log(`  load average (1 min) through the runs: ${round(Math.min(...pick((f) => f.load.min)))}–${round(Math.max(...pick((f) => f.load.max)))} on ${cpus().length} cores`);
    writeResult('submission-rate', { method: METHOD, label, apiMain: apiMain ?? null, optimizerMain: optimizerMain ?? null, seconds, connections, runs: figures, warmUp: warm });
  } finally {
    await provision.close().catch(() => undefined);
    redis.disconnect();
    await db.end().catch(() => undefined);
    await sky.stop();
    cluster.down();
  }
}

runWhenMain(module, () => main());
