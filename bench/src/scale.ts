// Figure 5 — scale: many KWOK nodes and many running single-pod tasks; memory, status p50/p99, plan latency.
//   npx tsc -b bench && node bench/dist/scale.js [tasks=100] [nodes=100] [seeded=10000] [launchMinutes=20]
import { performance } from 'node:perf_hooks';
import type { SkyportClient } from '@skyport/client';
import { benchCluster, BENCH_TOKEN, residentMiB, startSkyport, type SkyportUnderTest } from './lib/bench-stack';
import { downClusters, launchUntilRunning, taskYaml } from './lib/launching';
import { header, writeResult, runWhenMain } from './lib/result';
import { seedRunningClusters } from './lib/seed-clusters';
import { fmtSummary, round, summarize, type Summary } from './lib/stats';

const METHOD = `\`large\` layout with K KWOK nodes. Part 1, launched: up to T single-pod tasks launched through the API
(20 in flight; no new launch starts after the time budget) and left RUNNING (their run phase sleeps a day). Resident memory (VmRSS from
/proc/<pid>/status) of each of the five Skyport processes before the tasks and with them; \`status\` timed two
ways, sequentially: the first page (GET /v1/clusters, 100 rows, what the dashboard and an API client ask first)
and the full listing the CLI's \`status\` makes (SkyportClient.listClusters: every page of 500); beside the baseline
of listing the same pods straight from the kube-apiserver (label selector); plan latency = 30 sequential POST
launch --dryrun (1 CPU task, planned against the K-node capacity snapshot). Part 2, seeded: N clusters written
straight into the same database as the provisioner leaves a running single-pod task (cluster UP, job 1
RUNNING; no pods behind them: labelled "seeded", not launched), so the read path is measured at the issue's
10,000 tasks that this machine cannot launch; then the same status timings, one cluster's detail
(GET /v1/clusters/:name) and the services' memory again.`;

const NAMESPACE = 'default';

async function timeCalls(n: number, call: () => Promise<unknown>): Promise<Summary> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await call();
    times.push(performance.now() - t);
  }
  return summarize(times);
}

/** GET /v1/clusters as the CLI's client sends it, one page (the first). */
async function firstPage(sky: SkyportUnderTest): Promise<number> {
  const res = await fetch(`${sky.apiUrl}/v1/clusters`, { headers: { authorization: `Bearer ${BENCH_TOKEN}` } });
  if (!res.ok) throw new Error(`GET /v1/clusters answered ${res.status}`);
  return ((await res.json()) as { items: unknown[] }).items.length;
}

interface StatusTimings {
  clusters: number;
  firstPageRows: number;
  firstPageMs: Summary;
  fullListMs: Summary;
}

async function statusTimings(sky: SkyportUnderTest, client: SkyportClient, firstPageCalls: number, fullListCalls: number): Promise<StatusTimings> {
  const clusters = (await client.listClusters()).length; // also warms the path
  const firstPageRows = await firstPage(sky);
  const firstPageMs = await timeCalls(firstPageCalls, () => firstPage(sky));
  const fullListMs = await timeCalls(fullListCalls, () => client.listClusters());
  console.log(`status with ${clusters} clusters: first page (${firstPageRows} rows) ${fmtSummary(firstPageMs)}`);
  console.log(`status with ${clusters} clusters: full listing (${Math.ceil(clusters / 500)} pages of ≤500) ${fmtSummary(fullListMs)}`);
  return { clusters, firstPageRows, firstPageMs, fullListMs };
}

export async function main(argv = process.argv.slice(2)): Promise<void> {
  const tasks = Number(argv[0] ?? 100);
  const nodes = Number(argv[1] ?? 100);
  const seeded = Number(argv[2] ?? 10_000);
  const launchMinutes = Number(argv[3] ?? 20);
  header('scale (figure 5)', METHOD);
  const cluster = benchCluster('bench-large', 'large', nodes);
  const sky = await startSkyport('scale', { contexts: [cluster.context], kubeconfig: cluster.kubeconfig });
  const memory = (): Record<string, number> => Object.fromEntries([...sky.services].map(([name, s]) => [name, round(residentMiB(s.process.pid!), 1)]));
  const total = (m: Record<string, number>): number => round(Object.values(m).reduce((s, v) => s + v, 0), 1);
  const launched: string[] = [];
  try {
    await sky.client.plan('scale-warm', { task: taskYaml({ name: 'warm', cpus: 1 }) });
    const idleMem = memory();
    console.log(`resident memory, no tasks: ${JSON.stringify(idleMem)} total ${total(idleMem)} MiB`);

    // Part 1: launched through the API.
    const t0 = performance.now();
    const budgetEnds = t0 + launchMinutes * 60_000;
    const failures: string[] = [];
    await Promise.all(
      Array.from({ length: 20 }, async () => {
        while (launched.length < tasks && performance.now() < budgetEnds) {
          const n = `scale-${launched.length}`;
          launched.push(n);
          await launchUntilRunning(sky.client, n, taskYaml({ name: n, cpus: 0.25, memory: 0.5, run: 'sleep 86400' })).catch((e: unknown) => failures.push(`${n}: ${e instanceof Error ? e.message : String(e)}`));
        }
      }),
    );
    const launchS = (performance.now() - t0) / 1000;
    const running = launched.length - failures.length;
    console.log(`${running}/${launched.length} launched tasks RUNNING after ${round(launchS, 1)} s (${round(running / launchS, 2)}/s)${failures.length ? `; failed: ${failures.slice(0, 3).join('; ')}` : ''}`);
    const loadedMem = memory();
    console.log(`resident memory, ${running} running tasks: ${JSON.stringify(loadedMem)} total ${total(loadedMem)} MiB`);
    const launchedStatus = await statusTimings(sky, sky.client, 200, 50);
    const podList = await timeCalls(200, () => cluster.clients.core.listNamespacedPod({ namespace: NAMESPACE, labelSelector: 'app.kubernetes.io/managed-by=skyport' }));
    console.log(`baseline: list the pods from the kube-apiserver: ${fmtSummary(podList)}; ratio p99 (full listing) ${round(launchedStatus.fullListMs.p99 / podList.p99, 2)}×`);
    const plan = await timeCalls(30, () => sky.client.plan('scale-plan', { task: taskYaml({ name: 'plan', cpus: 1 }) }));
    console.log(`plan latency (launch --dryrun, ${nodes} nodes): ${fmtSummary(plan)}`);

    // Part 2: seeded to the target size (the launched clusters stay, so the list holds both).
    const s0 = performance.now();
    if (seeded > 0) await seedRunningClusters(sky.env.SKYPORT_DATABASE_URL, { count: seeded, prefix: 'seeded-', infra: `kubernetes/${cluster.context}` });
    console.log(`seeded ${seeded} RUNNING clusters in ${round((performance.now() - s0) / 1000, 1)} s (database rows only, no pods)`);
    const seededStatus = await statusTimings(sky, sky.client, 200, 10);
    const detail = await timeCalls(100, () => sky.client.getCluster(`seeded-${Math.floor(Math.random() * Math.max(1, seeded))}`));
    console.log(`one cluster's detail (GET /v1/clusters/:name) among ${seededStatus.clusters}: ${fmtSummary(detail)}`);
    const seededMem = memory();
    console.log(`resident memory with ${seededStatus.clusters} clusters (${seeded} seeded), after the listings: ${JSON.stringify(seededMem)} total ${total(seededMem)} MiB`);

    writeResult('scale', {
      method: METHOD,
      nodes,
      launched: { asked: tasks, started: launched.length, running, launchSeconds: launchS, failures },
      residentMiB: { idle: idleMem, idleTotal: total(idleMem), launched: loadedMem, launchedTotal: total(loadedMem), seeded: seededMem, seededTotal: total(seededMem) },
      statusLaunched: launchedStatus,
      baselinePodListMs: podList,
      planMs: plan,
      seeded: { count: seeded, status: seededStatus, detailMs: detail },
    });
    await downClusters(sky.client, cluster.clients, NAMESPACE, launched);
  } finally {
    await sky.stop();
    cluster.down();
  }
}

runWhenMain(module, () => main());
