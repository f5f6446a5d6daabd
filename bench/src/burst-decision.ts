// Burst decision time: from the first FailedScheduling of a cluster's pod on one context to that cluster's pods
// being created on the next candidate. Goal (issue 8): ≤ 15 s.
//   npx tsc -b bench && node bench/dist/burst-decision.js [rounds]
// Runs the whole system locally (api, optimizer, provisioner as processes; three local clusters from
// test/cluster; moto + a local sshd, as the burst e2e suite does). Each round launches three 7-CPU clusters at
// once onto burst-a (two 8-CPU nodes): every plan sees room, one pod cannot be scheduled, and that cluster fails
// over. Times are when this process's watches (informers on both contexts) saw the event and the new pod.
import { performance } from 'node:perf_hooks';
import { KubeClientProvider, eventInformer, podInformer, type CoreV1Event, type V1Pod } from '@skyport/kube';
import { CLUSTERS, contextOf, startBurstStack, waitFor } from '@skyport/e2e/dist/burst/burst-stack';

const rounds = Number(process.argv[2] ?? 3);
const TASK = 'resources:\n  cpus: 7+\n  memory: 8+\nrun: echo hi\n';

function pct(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function main(): Promise<void> {
  const stack = await startBurstStack({ provisionTimeoutSeconds: 10 });
  const kube = KubeClientProvider.fromSource({ paths: [stack.kubeconfig] }, [contextOf(CLUSTERS.onprem.name), contextOf(CLUSTERS.gpu.name)]);
  const onprem = kube.forContext(contextOf(CLUSTERS.onprem.name));
  const gpu = kube.forContext(contextOf(CLUSTERS.gpu.name));
  const firstFailed = new Map<string, number>();
  const createdOnNext = new Map<string, number>();
  const events = eventInformer(onprem, { fieldSelector: 'reason=FailedScheduling' });
  const pods = podInformer(gpu, { labelSelector: 'app.kubernetes.io/managed-by=skyport' });
  events.onChange((e: CoreV1Event) => {
    const pod = e.involvedObject?.name ?? '';
    const cluster = pod.replace(/-(head|worker-\d+)$/, '');
    if (!firstFailed.has(cluster)) firstFailed.set(cluster, performance.now());
  });
  pods.onChange((p: V1Pod) => {
    const cluster = p.metadata?.labels?.['skyport.dev/cluster'];
    if (cluster && !createdOnNext.has(cluster)) createdOnNext.set(cluster, performance.now());
  });
  events.start();
  pods.start();
  await Promise.all([events.waitForSync(), pods.waitForSync()]);
  const figures: number[] = [];
  try {
    for (let round = 0; round < rounds; round++) {
      const names = [0, 1, 2].map((i) => `bd${round}x${i}-${Date.now().toString(36).slice(-4)}`);
      await Promise.all(names.map((n) => stack.client.launch(n, { task: TASK })));
      const moved = await waitFor(
        'a cluster that failed over',
        async () => names.find((n) => firstFailed.has(n) && createdOnNext.has(n)),
        120_000,
        () => stack.output(),
      );
      const ms = createdOnNext.get(moved)! - firstFailed.get(moved)!;
      figures.push(ms);
      process.stdout.write(`round ${round + 1}: ${moved} FailedScheduling on ${contextOf(CLUSTERS.onprem.name)} → pod on ${contextOf(CLUSTERS.gpu.name)} in ${(ms / 1000).toFixed(2)} s\n`);
      for (const n of names) await stack.client.down(n);
      for (const n of names) {
        await waitFor(`${n} down`, async () => ((await stack.client.getCluster(n).catch(() => undefined))?.status === 'TERMINATED' ? true : undefined), 120_000);
      }
    }
  } finally {
    await events.dispose();
    await pods.dispose();
    await stack.stop();
  }
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  process.stdout.write(
    `burst decision (first FailedScheduling → pods created on the next candidate), ${figures.length} rounds: ` +
      `min ${s(Math.min(...figures))}, p50 ${s(pct(figures, 50))}, max ${s(Math.max(...figures))} (goal ≤ 15 s; provision_timeout 10 s)\n`,
  );
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
