// Figure 6 — a line written in a pod → delivered on `skyport logs --follow`'s stream, at scale (issue 22, goal 6).
//   npx tsc -b bench && node bench/dist/logs-latency.js [lines=30] [jobs=100] [seconds=10] [perJobRate=250] [rounds=3]
// SKYPORT_BENCH_LOGS_VARIANTS='before=<dir>,after=<dir>' (each dir holding logs/main.js and api/main.js, copies of
// apps/logs/dist and apps/api/dist) restarts those two services with each build before each round, alternating,
// on the same launched jobs: a before/after in one session.
import { appendFileSync, existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { phaseFile } from '@skyport/contracts';
import { startService } from '@skyport/dev-stack';
import { benchCluster, startSkyport, type SkyportUnderTest } from './lib/bench-stack';
import { downClusters, launchUntilRunning, taskYaml } from './lib/launching';
import { loadRound, type LoadRound } from './lib/log-follow-load';
import { header, writeResult, runWhenMain } from './lib/result';
import { fmtSummary, median, round, sleep, summarize } from './lib/stats';

const METHOD = `Each job's run phase sleeps; the benchmark appends lines to the job's output file in the pod's working
directory (<pod dir>/.skyport/jobs/<id>/run.log, the file the job's stdout goes to — libs/contracts job layout;
in the local cluster an exec runs in <stateDir>/pods/<ns>/<pod>/) and times them to their arrival on
GET /v1/clusters/:c/jobs/1/logs?follow=1 (the SSE stream \`skyport logs --follow\` reads).
Probe: one job, one line every 200 ms, read with the CLI's client. Scale: J jobs at once, each followed by its
own SSE stream; every 50 ms each job's file gets the lines due at R lines/s per job for S seconds, each line
carrying its job, sequence number and write time: latency of every line (write → arrival), lines/s delivered
across streams (first write → last arrival), lost = written minus distinct sequence numbers delivered, the logs
service's RSS before/peak/after and the CPU seconds of logs and api. Rounds alternate between variants.`;

const NAMESPACE = 'default';
/** The job runs until the benchmark downs it; a loop, so a stray `pkill sleep` on the shared host cannot end it. */
const KEEP_RUNNING = 'while true; do sleep 5; done';

interface Variant {
  label: string;
  dir?: string;
}

function variants(): Variant[] {
  const spec = process.env.SKYPORT_BENCH_LOGS_VARIANTS;
  if (!spec) return [{ label: 'this checkout' }];
  return spec.split(',').map((part) => {
    const [label, dir] = part.split('=');
    if (!dir || !existsSync(join(dir, 'logs', 'main.js'))) throw new Error(`SKYPORT_BENCH_LOGS_VARIANTS: ${part}: no logs/main.js under ${dir}`);
    return { label, dir };
  });
}

/** Runs the logs service and the api of `variant` (the rest of the control plane stays up). */
async function useVariant(sky: SkyportUnderTest, variant: Variant): Promise<void> {
  const dir = variant.dir;
  if (!dir) return;
  for (const name of ['api', 'logs'] as const) await sky.services.get(name)?.stop();
  const main = (name: string): string | undefined => (existsSync(join(dir, name, 'main.js')) ? join(dir, name, 'main.js') : undefined);
  sky.services.set('logs', await startService('logs', sky.env, 240_000, { main: main('logs') }));
  const api = await startService('api', sky.env, 240_000, { main: main('api') });
  sky.services.set('api', api);
  sky.apis[0].service = api;
}

export async function main(argv = process.argv.slice(2)): Promise<void> {
  const lines = Number(argv[0] ?? 30);
  const jobs = Number(argv[1] ?? 100);
  const seconds = Number(argv[2] ?? 10);
  const perJobRate = Number(argv[3] ?? 250);
  const rounds = Number(argv[4] ?? 3);
  const chosen = variants();
  header('logs: pod line → logs --follow at scale (figure 6)', METHOD);
  console.log(`  ${jobs} jobs × ${perJobRate} lines/s for ${seconds} s (offered ${jobs * perJobRate} lines/s), ${rounds} round(s) of ${chosen.map((v) => v.label).join(' / ')}; load average ${loadavg()[0].toFixed(1)} at the start`);
  const cluster = benchCluster('bench', 'small');
  const sky = await startSkyport('logs', { contexts: [cluster.context], kubeconfig: cluster.kubeconfig });
  const names: string[] = [];
  const podDir = (c: string): string => join(cluster.stateDir, 'pods', NAMESPACE, `${c}-head`);
  const logFile = (name: string): string => join(podDir(name), phaseFile(1, 'run', 'log'));
  try {
    const launchStart = Date.now();
    // 25 launches in flight, a failed one tried again under another name: at load average 100 a launch now
    // and then fails on the provisioner's deadline, which is not what this measures.
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(25, jobs) }, async () => {
        while (next < jobs) {
          const i = next++;
          for (let attempt = 0; ; attempt++) {
            const name = attempt === 0 ? `logs-${i}` : `logs-${i}-r${attempt}`;
            names.push(name);
            try {
              await launchUntilRunning(sky.client, name, taskYaml({ name, cpus: 0.1, memory: 0.1, run: KEEP_RUNNING }));
              break;
            } catch (error) {
              if (attempt >= 2) throw error;
              console.log(`  launch of ${name} failed (${error instanceof Error ? error.message.slice(0, 160) : String(error)}); trying again`);
              await sky.client.down(name).catch(() => undefined);
              names.splice(names.indexOf(name), 1);
            }
          }
        }
      }),
    );
    console.log(`  ${jobs} jobs RUNNING in ${((Date.now() - launchStart) / 1000).toFixed(1)} s`);
    for (const n of names) {
      const deadline = Date.now() + 60_000;
      while (!existsSync(logFile(n))) {
        if (Date.now() > deadline) throw new Error(`${logFile(n)} did not appear`);
        await sleep(200);
      }
    }

    const probe = lines > 0 ? await latencyProbe(sky, names[0], logFile(names[0]), lines) : undefined;
    const results: Array<{ variant: string; round: number } & LoadRound> = [];
    for (let r = 0; r < rounds; r++) {
      for (const variant of chosen) {
        await useVariant(sky, variant);
        const result = await loadRound({
          apiUrl: sky.apiUrl,
          names,
          logFile,
          tag: `r${r}${variant.label.replace(/\W/g, '')}`,
          perJobRate,
          seconds,
          pids: { logs: sky.services.get('logs')?.process.pid, api: sky.services.get('api')?.process.pid },
          databaseUrl: sky.env.SKYPORT_DATABASE_URL,
        });
        results.push({ variant: variant.label, round: r + 1, ...result });
        console.log(
          `  [${variant.label} #${r + 1}] line → logs --follow ${fmtSummary(result.latencyMs)}; of it append → stored p50 ${result.storedMs?.p50} / p99 ${result.storedMs?.p99} ms; ${result.linesDelivered}/${result.linesWritten} delivered ` +
            `(${result.lost} lost, ${result.duplicates} twice) → ${result.deliveredPerSecond} lines/s (offered ${result.offeredPerSecond}/s, last at ${result.seconds} s); ` +
            `logs RSS ${result.logsRssMiB.before} → peak ${result.logsRssMiB.peak} → ${result.logsRssMiB.after} MiB; CPU s logs ${result.cpuSeconds.logs}, api ${result.cpuSeconds.api}; load ${result.loadAverage.min}–${result.loadAverage.max}`,
        );
      }
    }
    const summary = chosen.map((v) => {
      const mine = results.filter((r) => r.variant === v.label);
      const spread = (f: (r: LoadRound) => number): { median: number; min: number; max: number } => {
        const xs = mine.map(f);
        return { median: round(median(xs)), min: round(Math.min(...xs)), max: round(Math.max(...xs)) };
      };
      const s = {
        variant: v.label,
        runs: mine.length,
        p50: spread((r) => r.latencyMs.p50),
        p99: spread((r) => r.latencyMs.p99),
        deliveredPerSecond: spread((r) => r.deliveredPerSecond),
        lost: mine.map((r) => r.lost),
        storedP50: spread((r) => r.storedMs?.p50 ?? NaN),
        storedP99: spread((r) => r.storedMs?.p99 ?? NaN),
        rssPeakMiB: spread((r) => r.logsRssMiB.peak),
        logsCpuSeconds: spread((r) => r.cpuSeconds.logs),
        load: { min: Math.min(...mine.map((r) => r.loadAverage.min)), max: Math.max(...mine.map((r) => r.loadAverage.max)) },
      };
      const f = (x: { median: number; min: number; max: number }): string => `${x.median} (${x.min}–${x.max})`;
      console.log(
        `${v.label}: median of ${s.runs} — p50 ${f(s.p50)} ms, p99 ${f(s.p99)} ms, ${f(s.deliveredPerSecond)} lines/s delivered (append → stored p50 ${f(s.storedP50)}, p99 ${f(s.storedP99)} ms), lost ${s.lost.join('/')}, logs RSS peak ${f(s.rssPeakMiB)} MiB, logs CPU ${f(s.logsCpuSeconds)} s; load ${s.load.min}–${s.load.max}`,
      );
      return s;
    });
    writeResult('logs-latency', { method: METHOD, args: { lines, jobs, seconds, perJobRate, rounds }, probe, rounds: results, summary });
  } finally {
    await downClusters(sky.client, cluster.clients, NAMESPACE, names).catch((error: unknown) => console.log(`  cleanup: ${String(error)}`));
    await sky.stop();
    cluster.down();
  }
}

/** One job, one line every 200 ms, read with the CLI's client: the latency when nothing else is written. */
async function latencyProbe(sky: SkyportUnderTest, name: string, file: string, lines: number): Promise<ReturnType<typeof summarize> & { lost: number }> {
  const arrived = new Map<string, number>();
  const abort = new AbortController();
  const follower = (async () => {
    try {
      for await (const l of sky.client.jobLogs(name, 1, { follow: true, tail: 1, signal: abort.signal })) {
        const m = /bench-marker (\S+)/.exec(l.line);
        if (m) arrived.set(m[1], performance.now());
      }
    } catch (error) {
      if (!abort.signal.aborted) console.log(`  probe stream ended: ${error instanceof Error ? error.message : String(error)}`);
    }
  })();
  appendFileSync(file, 'bench-marker warm\n');
  const warmDeadline = Date.now() + 60_000;
  while (!arrived.has('warm') && Date.now() < warmDeadline) await sleep(50);
  const latencies: number[] = [];
  if (!arrived.has('warm')) console.log(`  probe: ${name}'s stream delivered nothing within 60 s (has its job ended?); skipped`);
  for (let i = 0; i < lines && arrived.has('warm'); i++) {
    const t = performance.now();
    appendFileSync(file, `bench-marker lat-${i}\n`);
    const deadline = Date.now() + 30_000;
    while (!arrived.has(`lat-${i}`) && Date.now() < deadline) await sleep(2);
    latencies.push((arrived.get(`lat-${i}`) ?? NaN) - t);
    await sleep(200);
  }
  abort.abort();
  await follower;
  const lat = { ...summarize(latencies.filter(Number.isFinite)), lost: latencies.filter((l) => !Number.isFinite(l)).length };
  console.log(`  probe, line → logs --follow (1 job, nothing else written): ${fmtSummary(lat)}; lost ${lat.lost}`);
  return lat;
}

runWhenMain(module, () => main());
