// Figure 1 — launch overhead. See the method text below (printed when it runs) and docs/performance.md.
//   npx tsc -b bench && node bench/dist/launch-overhead.js [launches=10] [bigNodes=100] [background=0]   (0 skips a part)
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { benchCluster, startSkyport } from './lib/bench-stack';
import { DirectPods, downClusters, eventPhases, launchUntilRunning, skyportPod, taskYaml } from './lib/launching';
import { header, writeResult, runWhenMain } from './lib/result';
import { fmtSummary, round, summarize } from './lib/stats';

const METHOD = `Skyport: POST /v1/clusters/:name/launch (1-node task, 0.5 CPU, run: sleep) → the request's SSE stream
delivers job.running; the clock starts before the POST. Baseline, interleaved with the launches on the same
cluster: a pod with the spec Skyport created (same image, requests, tolerations) created directly with the
Kubernetes client, create call → phase Running seen by a watch. Overhead = Skyport time − baseline time of the
pair. Then one N-node task vs N equivalent pods created at once (all Running); with B > 0, B other single-node
clusters are launched first and keep running their jobs (\`sleep\`) through both. The 1-minute load average is
sampled every second through the N-node part.`;

/** Background clusters launched at once at most (their launches are not timed). */
const BACKGROUND_IN_FLIGHT = 20;

const NAMESPACE = 'default';

export async function main(argv = process.argv.slice(2)): Promise<void> {
  const launches = Number(argv[0] ?? 10);
  const bigNodes = Number(argv[1] ?? 100);
  const background = Number(argv[2] ?? 0);
  header('launch overhead (figure 1)', METHOD);
  const cluster = benchCluster('bench', 'small');
  const sky = await startSkyport('overhead', { contexts: [cluster.context], kubeconfig: cluster.kubeconfig });
  const direct = new DirectPods(cluster.clients, NAMESPACE);
  try {
    await direct.start();
    const warm = await launchUntilRunning(sky.client, 'ov-warm', taskYaml({ name: 'warm' }));
    console.log(`warm-up launch: ${round(warm.runningMs)} ms (not counted)`);
    const template = await skyportPod(cluster.clients, NAMESPACE, 'ov-warm');
    await direct.createAndWait(template, ['ov-direct-warm']);

    const skyportMs: number[] = [];
    const acceptMs: number[] = [];
    const baselineMs: number[] = [];
    const overheadMs: number[] = [];
    const timings: Array<Awaited<ReturnType<typeof launchUntilRunning>>> = [];
    for (let i = 0; i < launches; i++) {
      const s = await launchUntilRunning(sky.client, `ov-${i}`, taskYaml({ name: `ov-${i}` }));
      const [b] = await direct.createAndWait(template, [`ov-direct-${i}`]);
      timings.push(s);
      skyportMs.push(s.runningMs);
      acceptMs.push(s.acceptMs);
      baselineMs.push(b);
      overheadMs.push(s.runningMs - b);
      console.log(`  launch ${i}: skyport ${round(s.runningMs)} ms (202 after ${round(s.acceptMs)} ms), direct pod ${round(b)} ms`);
    }
    // Where the time goes: median arrival of each event on the request's stream, from the POST.
    const phases = Object.fromEntries(eventPhases(timings).map((p) => [p.type, p.p50]));
    console.log(`phases (p50, ms after the POST): ${Object.entries(phases).map(([k, v]) => `${k} +${round(v)}`).join(', ')}`);
    const sky1 = summarize(skyportMs);
    const base1 = summarize(baselineMs);
    const over1 = summarize(overheadMs);
    if (launches > 0) {
    console.log(`POST → job RUNNING     ${fmtSummary(sky1)}`);
    console.log(`POST → 202 accepted    ${fmtSummary(summarize(acceptMs))}`);
    console.log(`direct pod → Running   ${fmtSummary(base1)}`);
    console.log(`overhead (paired)      ${fmtSummary(over1)}   ratio p50 ${round(sky1.p50 / base1.p50, 2)}×`);
    }

    await direct.deleteAll();
    await downClusters(sky.client, cluster.clients, NAMESPACE, ['ov-warm', ...Array.from({ length: launches }, (_, i) => `ov-${i}`)]);

    if (launches > 0) {
      writeResult('launch-overhead', {
      method: METHOD,
      launches,
      skyportMs: sky1,
      acceptMs: summarize(acceptMs),
      baselinePodMs: base1,
      overheadMs: over1,
      ratioP50: sky1.p50 / base1.p50,
      phasesP50Ms: phases,
      raw: { skyportMs, baselineMs },
      });
    }

    if (bigNodes < 1) return;
    const backgroundNames = Array.from({ length: background }, (_, i) => `ov-bg-${i}`);
    if (background > 0) {
      const t = performance.now();
      await launchAll(sky.client, backgroundNames);
      console.log(`${background} background clusters running their jobs after ${round(performance.now() - t)} ms`);
    }
    const loads: number[] = [loadavg()[0]];
    const sampler = setInterval(() => loads.push(loadavg()[0]), 1000);
    // N-node task vs N pods at once; the baseline pods copy the big task's own pod (its smaller requests).
    const big = await launchUntilRunning(sky.client, 'ov-big', taskYaml({ name: 'big', numNodes: bigNodes, cpus: 0.25, memory: 0.5 }));
    console.log(`${bigNodes}-node task: POST → job RUNNING ${round(big.runningMs)} ms`);
    for (const e of big.events) console.log(`    +${round(e.atMs)} ms ${e.type}`);
    const bigTemplate = await skyportPod(cluster.clients, NAMESPACE, 'ov-big');
    await downClusters(sky.client, cluster.clients, NAMESPACE, ['ov-big'], true);
    const names = Array.from({ length: bigNodes }, (_, i) => `ov-big-direct-${i}`);
    const t0 = performance.now();
    await direct.createAndWait(bigTemplate, names, bigNodes);
    const bigBaseline = Math.max(...names.map((n) => (direct.runningTime(n) ?? NaN) - t0));
    clearInterval(sampler);
    const load = { min: Math.min(...loads), max: Math.max(...loads) };
    await direct.deleteAll();
    console.log(`${bigNodes} direct pods → all Running ${round(bigBaseline)} ms; overhead ${round(big.runningMs - bigBaseline)} ms, ratio ${round(big.runningMs / bigBaseline, 2)}×`);
    console.log(`  ${background} background clusters; load average (1-min) through this part ${round(load.min, 2)}–${round(load.max, 2)}`);
    if (background > 0) await downClusters(sky.client, cluster.clients, NAMESPACE, backgroundNames);
    writeResult('launch-overhead-big', {
      method: METHOD,
      nodes: bigNodes,
      skyportMs: big.runningMs,
      baselineAllRunningMs: bigBaseline,
      overheadMs: big.runningMs - bigBaseline,
      ratio: big.runningMs / bigBaseline,
      backgroundClusters: background,
      loadAverage: load,
      events: big.events,
    });
  } finally {
    await direct.deleteAll().catch(() => undefined);
    await direct.dispose();
    await sky.stop();
    cluster.down();
  }
}

/** Launches the clusters (BACKGROUND_IN_FLIGHT at a time), each until its job is RUNNING. */
async function launchAll(client: Parameters<typeof launchUntilRunning>[0], names: string[]): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < names.length) {
      const name = names[next++];
      // 0.02 CPU: 100 of them (2 CPUs) and the 100-node task (25) fit the `small` layout's 32 CPUs; at 0.1 the
      // big task waited for capacity.
      await launchUntilRunning(client, name, taskYaml({ name, cpus: 0.02, memory: 0.1 }));
    }
  };
  await Promise.all(Array.from({ length: Math.min(BACKGROUND_IN_FLIGHT, names.length) }, worker));
}

runWhenMain(module, () => main());
