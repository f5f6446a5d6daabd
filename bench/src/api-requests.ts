// Figure 3 — kube-apiserver requests per launch (from its own apiserver_request_total) and per idle minute.
//   npx tsc -b bench && node bench/dist/api-requests.js [launches=5] [idleSeconds=30]
import { benchCluster, startSkyport } from './lib/bench-stack';
import { DirectPods, downClusters, launchUntilRunning, skyportPod, taskYaml, waitNoPods } from './lib/launching';
import { diffCounts, fmtCounts, requestCounts, totalOf, type RequestCounts } from '@skyport/kube/testing';
import { header, writeResult, runWhenMain } from './lib/result';
import { round, sleep } from './lib/stats';

const METHOD = `Counts come from the local kube-apiserver's own apiserver_request_total (GET /metrics with the kubeconfig's
credentials), summed by verb and resource; node heartbeats and leases (every cluster's background) are left out.
The metric does not say which client called, so every count is a delta over a window with nothing else
happening on that cluster: (a) L sequential Skyport launches, POST → job.running, delta ÷ L (everything the
launch caused: Skyport's own calls plus the scheduler's binding, KWOK's status updates, events); (b) the same
number of equivalent pods created directly (create → Running) — the floor any launch pays; the minimum a
launch needs = (b) + 1 exec to start the job. (c) Idle: the cluster alone for W s before Skyport starts, then W s
with Skyport running and one UP cluster whose job runs; reported per minute. Long-running WATCH calls and exec
streams (the log tailer follows each node's output with one) are counted by the apiserver when they end.`;

const NAMESPACE = 'default';

export async function main(argv = process.argv.slice(2)): Promise<void> {
  const launches = Number(argv[0] ?? 5);
  const idleSeconds = Number(argv[1] ?? 30);
  header('API-server requests per launch and per idle minute (figure 3)', METHOD);
  // A cluster of its own: the counts are cluster-wide, so no other benchmark may use it meanwhile.
  const cluster = benchCluster('bench-req', 'small');
  const count = (): Promise<RequestCounts> => requestCounts(cluster.clients);

  let before = await count();
  await sleep(idleSeconds * 1000);
  const backgroundIdle = diffCounts(before, await count());
  console.log(`cluster alone, ${idleSeconds} s: ${totalOf(backgroundIdle)} requests (${fmtCounts(backgroundIdle)})`);

  const sky = await startSkyport('apireq', { contexts: [cluster.context], kubeconfig: cluster.kubeconfig });
  const direct = new DirectPods(cluster.clients, NAMESPACE);
  try {
    await direct.start();
    await launchUntilRunning(sky.client, 'req-warm', taskYaml({ name: 'warm' }));
    const template = await skyportPod(cluster.clients, NAMESPACE, 'req-warm');
    await sleep(3000);

    before = await count();
    await sleep(idleSeconds * 1000);
    const skyIdle = diffCounts(before, await count());
    console.log(`Skyport idle with one UP cluster, ${idleSeconds} s: ${totalOf(skyIdle)} requests (${fmtCounts(skyIdle)})`);

    before = await count();
    for (let i = 0; i < launches; i++) await launchUntilRunning(sky.client, `req-${i}`, taskYaml({ name: `req-${i}` }));
    await sleep(3000);
    const perLaunch = diffCounts(before, await count());
    console.log(`Skyport: ${round(totalOf(perLaunch) / launches, 2)} requests per launch (${fmtCounts(perLaunch, launches)})`);

    before = await count();
    for (let i = 0; i < launches; i++) await direct.createAndWait(template, [`req-direct-${i}`]);
    await sleep(3000);
    const perPod = diffCounts(before, await count());
    console.log(`direct pod: ${round(totalOf(perPod) / launches, 2)} requests per pod (${fmtCounts(perPod, launches)})`);

    before = await count();
    for (let i = 0; i < launches; i++) await sky.client.down(`req-${i}`);
    await waitNoPods(cluster.clients, NAMESPACE, 'app.kubernetes.io/managed-by=skyport,skyport.dev/cluster notin (req-warm)');
    await sleep(3000);
    const perDown = diffCounts(before, await count());
    console.log(`Skyport down: ${round(totalOf(perDown) / launches, 2)} requests per down, including the wait here (${fmtCounts(perDown, launches)})`);

    const minimum = totalOf(perPod) / launches + 1;
    const ratio = totalOf(perLaunch) / launches / minimum;
    const idlePerMinute = ((totalOf(skyIdle) - totalOf(backgroundIdle)) * 60) / idleSeconds;
    console.log(`requests per launch ÷ minimum (${round(minimum, 2)}): ${round(ratio, 2)}×; Skyport's idle requests per minute above the cluster's own: ${round(idlePerMinute, 2)}`);
    const obj = (c: RequestCounts, per: number) => Object.fromEntries([...c.entries()].map(([k, v]) => [k, v / per]));
    writeResult('api-requests', {
      method: METHOD,
      launches,
      idleSeconds,
      perLaunch: { total: totalOf(perLaunch) / launches, byVerb: obj(perLaunch, launches) },
      perDirectPod: { total: totalOf(perPod) / launches, byVerb: obj(perPod, launches) },
      perDown: { total: totalOf(perDown) / launches, byVerb: obj(perDown, launches) },
      minimumPerLaunch: minimum,
      ratioToMinimum: ratio,
      idle: { clusterAlone: obj(backgroundIdle, 1), withSkyport: obj(skyIdle, 1), skyportPerMinute: idlePerMinute },
    });
    await downClusters(sky.client, cluster.clients, NAMESPACE, ['req-warm']);
  } finally {
    await direct.deleteAll().catch(() => undefined);
    await direct.dispose();
    await sky.stop();
    cluster.down();
  }
}

runWhenMain(module, () => main());
