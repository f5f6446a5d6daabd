// Figure 2 — sustained launch rate vs the raw pod-creation rate of the same API server and scheduler.
//   npx tsc -b bench && node bench/dist/launch-rate.js [launches=30] [nodes=100]
import { performance } from 'node:perf_hooks';
import { benchCluster, cpuSeconds, startSkyport } from './lib/bench-stack';
import { DirectPods, downClusters, eventPhases, launchUntilRunning, skyportPod, taskYaml } from './lib/launching';
import { header, writeResult, runWhenMain } from './lib/result';
import { fmtSummary, round, summarize } from './lib/stats';

const METHOD = `On the \`large\` layout (K KWOK nodes): M single-node launches submitted at once (M POSTs in flight, each
followed to job.running on its SSE stream); rate = M / (first POST → last job.running). Baseline on the same
cluster right after: M equivalent pods (Skyport's pod spec) created directly with the client, 10 create calls in
flight; rate = M / (first create → last pod Running). Ratio = Skyport rate / raw rate. Counts are scaled down
from the issue's goal to keep the run under ~5 minutes on 2 shared cores.`;

const NAMESPACE = 'default';

export async function main(argv = process.argv.slice(2)): Promise<void> {
  const launches = Number(argv[0] ?? 30);
  const nodes = Number(argv[1] ?? 100);
  header('launch rate (figure 2)', METHOD);
  const cluster = benchCluster('bench-large', 'large', nodes);
  const sky = await startSkyport('rate', { contexts: [cluster.context], kubeconfig: cluster.kubeconfig });
  const direct = new DirectPods(cluster.clients, NAMESPACE);
  try {
    await direct.start();
    await launchUntilRunning(sky.client, 'rate-warm', taskYaml({ name: 'warm' }));
    const template = await skyportPod(cluster.clients, NAMESPACE, 'rate-warm');

    const names = Array.from({ length: launches }, (_, i) => `rate-${i}`);
    const cpuOf = (): Record<string, number> => Object.fromEntries([...sky.services].map(([name, s]) => [name, s.process.pid ? cpuSeconds(s.process.pid) : NaN]));
    const cpuBefore = cpuOf();
        const failures: string[] = [];
    const settled = await Promise.all(
      names.map((n) =>
        launchUntilRunning(sky.client, n, taskYaml({ name: n })).catch((e: unknown) => {
          failures.push(e instanceof Error ? e.message : String(e));
          return undefined;
        }),
      ),
    );
    const timings = settled.filter((t): t is NonNullable<typeof t> => t !== undefined);
    const skyWall = Math.max(...timings.map((t) => t.runningMs));
    const skyRate = timings.length / (skyWall / 1000);
    const perLaunch = summarize(timings.map((t) => t.runningMs));
    console.log(`skyport: ${timings.length}/${launches} launches RUNNING in ${round(skyWall)} ms → ${round(skyRate, 2)} launches/s; per launch ${fmtSummary(perLaunch)}`);
    if (failures.length) console.log(`  ${failures.length} launch(es) failed; first:\n${failures[0]}`);
    // Where the launches queue up: each event's arrival after the POSTs (p50 / last), and the CPU each service
    // spent on the burst (on a saturated machine CPU, not waiting, is what bounds the rate).
    const phases = eventPhases(timings);
    console.log(`  phases (p50 / max, ms after the POST): ${phases.map((p) => `${p.type} +${round(p.p50)}/${round(p.max)}`).join(', ')}`);
    const cpuAfter = cpuOf();
    const cpuMs = Object.fromEntries(Object.keys(cpuAfter).map((k) => [k, round(((cpuAfter[k] - cpuBefore[k]) * 1000) / launches)]));
    console.log(`  CPU per launch (ms, by service): ${Object.entries(cpuMs).map(([k, v]) => `${k} ${v}`).join(', ')}`);

    const podNames = Array.from({ length: launches }, (_, i) => `rate-direct-${i}`);
    const p0 = performance.now();
    const perPod = await direct.createAndWait(template, podNames, 10);
    const podWall = Math.max(...podNames.map((n) => (direct.runningTime(n) ?? NaN) - p0));
    const podRate = launches / (podWall / 1000);
    console.log(`direct:  ${launches} pods Running in ${round(podWall)} ms → ${round(podRate, 2)} pods/s; per pod ${fmtSummary(summarize(perPod))}`);
    console.log(`ratio (Skyport launches/s ÷ raw pods/s): ${round(skyRate / podRate, 3)}`);

    writeResult('launch-rate', {
      method: METHOD,
      nodes,
      launches,
      skyport: { wallMs: skyWall, perSecond: skyRate, perLaunchMs: perLaunch, running: timings.length, failures, phases, cpuMsPerLaunch: cpuMs },
      direct: { wallMs: podWall, perSecond: podRate, perPodMs: summarize(perPod) },
      ratio: skyRate / podRate,
    });
    await downClusters(sky.client, cluster.clients, NAMESPACE, ['rate-warm', ...names]);
  } finally {
    await direct.deleteAll().catch(() => undefined);
    await direct.dispose();
    await sky.stop();
    cluster.down();
  }
}

runWhenMain(module, () => main());
