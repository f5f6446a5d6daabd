// Figure 6 — a line written in a pod → delivered on `skyport logs --follow`'s stream; aggregate throughput.
//   npx tsc -b bench && node bench/dist/logs-latency.js [lines=50] [jobs=10] [seconds=15]
import { appendFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { phaseFile } from '@skyport/contracts';
import { benchCluster, startSkyport } from './lib/bench-stack';
import { downClusters, launchUntilRunning, taskYaml } from './lib/launching';
import { header, writeResult, runWhenMain } from './lib/result';
import { fmtSummary, round, sleep, summarize } from './lib/stats';

const METHOD = `Each job's run phase sleeps; the benchmark appends lines to the job's output file in the pod's working
directory (<pod dir>/.skyport/jobs/<id>/run.log, the file the job's stdout goes to — libs/contracts job layout;
in the local cluster an exec runs in <stateDir>/pods/<ns>/<pod>/) and times each line from the append to its
arrival on GET /v1/clusters/:c/jobs/1/logs?follow=1 (the SSE stream \`skyport logs --follow\` reads).
Latency: one job, one line every 200 ms. Throughput: J jobs (scaled down from 100), each followed by its own
stream, lines appended to all of them in batches for S seconds; delivered lines/s across all streams.`;

const NAMESPACE = 'default';

export async function main(argv = process.argv.slice(2)): Promise<void> {
  const lines = Number(argv[0] ?? 50);
  const jobs = Number(argv[1] ?? 10);
  const seconds = Number(argv[2] ?? 15);
  header('logs: pod line → logs --follow (figure 6)', METHOD);
  const cluster = benchCluster('bench', 'small');
  const sky = await startSkyport('logs', { contexts: [cluster.context], kubeconfig: cluster.kubeconfig });
  const names = Array.from({ length: jobs }, (_, i) => `logs-${i}`);
  try {
    await Promise.all(names.map((n) => launchUntilRunning(sky.client, n, taskYaml({ name: n, cpus: 0.25, memory: 0.5 }))));
    const logFile = (name: string): string => join(clusterPodDir(name), phaseFile(1, 'run', 'log'));
    const clusterPodDir = (c: string): string => join(cluster.stateDir, 'pods', NAMESPACE, `${c}-head`);
    for (const n of names) {
      const deadline = Date.now() + 30_000;
      while (!existsSync(logFile(n))) {
        if (Date.now() > deadline) throw new Error(`${logFile(n)} did not appear`);
        await sleep(200);
      }
    }

    // Followers: one SSE stream per job, recording when each marker line arrives.
    const arrived = new Map<string, number>();
    const counts = new Map<string, number>(names.map((n) => [n, 0]));
    const abort = new AbortController();
    const followers = names.map(async (n) => {
      try {
        for await (const l of sky.client.jobLogs(n, 1, { follow: true, signal: abort.signal })) {
          const m = /bench-marker (\S+)/.exec(l.line);
          if (m) {
            arrived.set(m[1], performance.now());
            counts.set(n, (counts.get(n) ?? 0) + 1);
          }
        }
      } catch (error) {
        if (!abort.signal.aborted) console.log(`  stream of ${n} ended: ${error instanceof Error ? error.message : String(error)}`);
      }
    });
    // Stream warm-up: one line per job, wait until all arrived.
    for (const n of names) appendFileSync(logFile(n), `bench-marker warm-${n}\n`);
    const warmDeadline = Date.now() + 60_000;
    while (names.some((n) => !arrived.has(`warm-${n}`)) && Date.now() < warmDeadline) await sleep(100);

    const latencies: number[] = [];
    for (let i = 0; i < lines; i++) {
      const id = `lat-${i}`;
      const t = performance.now();
      appendFileSync(logFile(names[0]), `bench-marker ${id}\n`);
      const deadline = Date.now() + 30_000;
      while (!arrived.has(id) && Date.now() < deadline) await sleep(5);
      latencies.push((arrived.get(id) ?? NaN) - t);
      await sleep(200);
    }
    const lat = summarize(latencies.filter(Number.isFinite));
    console.log(`line → logs --follow (1 job): ${fmtSummary(lat)}; lost ${latencies.filter((l) => !Number.isFinite(l)).length}`);

    for (const n of names) counts.set(n, 0);
    const batch = 20;
    let written = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < seconds * 1000) {
      for (const n of names) {
        appendFileSync(logFile(n), Array.from({ length: batch }, (_, k) => `bench-marker tp-${n}-${written + k} ${'x'.repeat(60)}\n`).join(''));
      }
      written += batch;
      await sleep(50);
    }
    const writeMs = performance.now() - t0;
    const expected = written * jobs;
    const drainDeadline = Date.now() + 60_000;
    while ([...counts.values()].reduce((s, v) => s + v, 0) < expected && Date.now() < drainDeadline) await sleep(100);
    const allMs = performance.now() - t0;
    const delivered = [...counts.values()].reduce((s, v) => s + v, 0);
    const rate = delivered / (allMs / 1000);
    console.log(`throughput: ${jobs} jobs, ${expected} lines written in ${round(writeMs / 1000, 1)} s, ${delivered} delivered by ${round(allMs / 1000, 1)} s → ${round(rate)} lines/s across streams (written at ${round(expected / (writeMs / 1000))} lines/s)`);
    abort.abort();
    await Promise.all(followers);
    writeResult('logs-latency', {
      method: METHOD,
      latencyMs: lat,
      lost: latencies.filter((l) => !Number.isFinite(l)).length,
      throughput: { jobs, linesWritten: expected, linesDelivered: delivered, seconds: allMs / 1000, linesPerSecond: rate, writeRate: expected / (writeMs / 1000) },
    });
    await downClusters(sky.client, cluster.clients, NAMESPACE, names);
  } finally {
    await sky.stop();
    cluster.down();
  }
}

runWhenMain(module, () => main());
