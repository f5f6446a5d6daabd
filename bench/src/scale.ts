// Figure 5 — scale: many KWOK nodes and many running single-pod tasks; memory, status p99, plan latency.
//   npx tsc -b bench && node bench/dist/scale.js [tasks=100] [nodes=100]
import { performance } from 'node:perf_hooks';
import { benchCluster, residentMiB, startSkyport } from './lib/bench-stack';
import { downClusters, launchUntilRunning, taskYaml } from './lib/launching';
import { header, writeResult, runWhenMain } from './lib/result';
import { fmtSummary, round, summarize, type Summary } from './lib/stats';

const METHOD = `\`large\` layout with K KWOK nodes; T single-pod tasks launched through the API (20 in flight) and left
RUNNING. Then: resident memory (VmRSS from /proc/<pid>/status) of each of the five Skyport processes, before the
tasks and with them; \`status\` = 200 sequential GET /v1/clusters (all T clusters in the answer) p50/p99, beside
the baseline of listing the same T pods straight from the kube-apiserver (label selector) the same way; plan
latency = 30 sequential POST launch --dryrun (1 CPU task, planned against the K-node capacity snapshot). Counts
are scaled down from the issue's 1,000 nodes / 10,000 tasks to fit a ~5-minute run on 2 shared cores.`;

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

export async function main(argv = process.argv.slice(2)): Promise<void> {
  const tasks = Number(argv[0] ?? 100);
  const nodes = Number(argv[1] ?? 100);
  header('scale (figure 5)', METHOD);
  const cluster = benchCluster('bench-large', 'large', nodes);
  const sky = await startSkyport('scale', { contexts: [cluster.context], kubeconfig: cluster.kubeconfig });
  const names = Array.from({ length: tasks }, (_, i) => `scale-${i}`);
  const memory = (): Record<string, number> => Object.fromEntries([...sky.services].map(([name, s]) => [name, round(residentMiB(s.process.pid!), 1)]));
  const total = (m: Record<string, number>): number => round(Object.values(m).reduce((s, v) => s + v, 0), 1);
  try {
    await sky.client.plan('scale-warm', { task: taskYaml({ name: 'warm', cpus: 1 }) });
    const idleMem = memory();
    console.log(`resident memory, no tasks: ${JSON.stringify(idleMem)} total ${total(idleMem)} MiB`);
    const t0 = performance.now();
    let next = 0;
    const failures: string[] = [];
    await Promise.all(
      Array.from({ length: 20 }, async () => {
        while (next < names.length) {
          const n = names[next++];
          await launchUntilRunning(sky.client, n, taskYaml({ name: n, cpus: 0.25, memory: 0.5 })).catch((e: unknown) => failures.push(`${n}: ${e instanceof Error ? e.message : String(e)}`));
        }
      }),
    );
    const launchS = (performance.now() - t0) / 1000;
    console.log(`${tasks - failures.length}/${tasks} tasks RUNNING after ${round(launchS, 1)} s${failures.length ? `; failed: ${failures.slice(0, 3).join('; ')}` : ''}`);
    const loadedMem = memory();
    console.log(`resident memory, ${tasks} running tasks: ${JSON.stringify(loadedMem)} total ${total(loadedMem)} MiB`);
    const listed = await sky.client.listClusters();
    const status = await timeCalls(200, () => sky.client.listClusters());
    const podList = await timeCalls(200, () => cluster.clients.core.listNamespacedPod({ namespace: NAMESPACE, labelSelector: 'app.kubernetes.io/managed-by=skyport' }));
    console.log(`status (GET /v1/clusters, ${listed.length} clusters): ${fmtSummary(status)}`);
    console.log(`baseline: list the pods from the kube-apiserver: ${fmtSummary(podList)}; ratio p99 ${round(status.p99 / podList.p99, 2)}×`);
    const plan = await timeCalls(30, () => sky.client.plan('scale-plan', { task: taskYaml({ name: 'plan', cpus: 1 }) }));
    console.log(`plan latency (launch --dryrun, ${nodes} nodes): ${fmtSummary(plan)}`);
    writeResult('scale', {
      method: METHOD,
      nodes,
      tasks,
      tasksRunning: tasks - failures.length,
      launchSeconds: launchS,
      residentMiB: { idle: idleMem, idleTotal: total(idleMem), loaded: loadedMem, loadedTotal: total(loadedMem) },
      statusMs: status,
      statusClusters: listed.length,
      baselinePodListMs: podList,
      planMs: plan,
      failures,
    });
    await downClusters(sky.client, cluster.clients, NAMESPACE, names);
  } finally {
    await sky.stop();
    cluster.down();
  }
}

runWhenMain(module, () => main());
