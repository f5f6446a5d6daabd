// Figure 7 — burst decision time: first FailedScheduling on the first candidate → pods created on the next one.
//   npx tsc -b bench && node bench/dist/burst-decision.js [trials=3]
import { performance } from 'node:perf_hooks';
import { eventInformer, podInformer } from '@skyport/kube';
import { benchCluster, startSkyport } from './lib/bench-stack';
import { launchUntilRunning, taskYaml, waitNoPods } from './lib/launching';
import { header, writeResult, runWhenMain } from './lib/result';
import { fmtSummary, round, summarize } from './lib/stats';

const METHOD = `Two local clusters, contexts allowed in the order [bench, bench-b]. The config gives context skyport-bench a
pod_config nodeSelector no node carries, so the plan (which sees free capacity there) chooses it and its pod
gets FailedScheduling from the real scheduler; Skyport must give up on it and place the cluster on skyport-bench-b.
A watch on skyport-bench's events (reason=FailedScheduling) and one on skyport-bench-b's pods, both in this
process, time first FailedScheduling → the pod created on bench-b; POST → job.running is printed too. The
refusal ("didn't match Pod's node affinity/selector") is definite and no autoscaler is configured, so the
provisioner fails the attempt at once (after a 1 s grace) instead of waiting out the provision timeout
(kubernetes.provision_timeout, default 10 s, left as it is).`;

const NAMESPACE = 'default';

export async function main(argv = process.argv.slice(2)): Promise<void> {
  const trials = Number(argv[0] ?? 3);
  header('burst decision time (figure 7)', METHOD);
  const a = benchCluster('bench', 'small');
  const b = benchCluster('bench-b', 'small');
  const yaml = [
    '  context_configs:',
    `    ${a.context}:`,
    '      pod_config:',
    '        spec:',
    '          nodeSelector:',
    '            skyport.dev/bench-unsatisfiable: "true"',
    '',
  ].join('\n');
  const sky = await startSkyport('burst', { contexts: [a.context, b.context], kubeconfig: a.kubeconfig, kubernetesYaml: yaml });
  const events = eventInformer(a.clients, { namespace: NAMESPACE, fieldSelector: 'reason=FailedScheduling' });
  const pods = podInformer(b.clients, { namespace: NAMESPACE, labelSelector: 'app.kubernetes.io/managed-by=skyport' });
  const firstFailed = new Map<string, number>();
  const createdOnB = new Map<string, number>();
  // Kept clusters (SKYPORT_BENCH_KEEP_CLUSTER) still hold the events of an earlier run's pods of the same names:
  // only an event that happened after its trial began counts.
  let trialStartedAt = Date.now();
  events.onChange((e) => {
    const pod = e.involvedObject?.name ?? '';
    const at = new Date((e.eventTime ?? e.lastTimestamp ?? e.firstTimestamp ?? e.metadata?.creationTimestamp ?? 0) as unknown as string).getTime();
    if (at < trialStartedAt - 1_000) return;
    if (!firstFailed.has(pod)) firstFailed.set(pod, performance.now());
  });
  pods.onChange((p) => {
    const name = p.metadata?.name ?? '';
    if (!createdOnB.has(name)) createdOnB.set(name, performance.now());
  });
  events.start();
  pods.start();
  const decisions: number[] = [];
  const totals: number[] = [];
  const rows: Array<Record<string, unknown>> = [];
  try {
    await Promise.all([events.waitForSync(30_000), pods.waitForSync(30_000)]);
    for (let i = 0; i < trials; i++) {
      const name = `burst-${i}`;
      trialStartedAt = Date.now();
      const t0 = performance.now();
      const run = await launchUntilRunning(sky.client, name, taskYaml({ name }));
      const failed = firstFailed.get(`${name}-head`);
      const onB = createdOnB.get(`${name}-head`);
      const decision = failed !== undefined && onB !== undefined ? onB - failed : NaN;
      decisions.push(decision);
      totals.push(run.runningMs);
      rows.push({ name, firstFailedSchedulingMs: failed !== undefined ? failed - t0 : null, podOnNextCandidateMs: onB !== undefined ? onB - t0 : null, decisionMs: decision, runningMs: run.runningMs, events: run.events });
      console.log(
        `  ${name}: FailedScheduling at +${round((failed ?? NaN) - t0)} ms, pod on bench-b at +${round((onB ?? NaN) - t0)} ms → decision ${round(decision)} ms; job RUNNING at +${round(run.runningMs)} ms (${run.events.map((e) => e.type).join(' → ')})`,
      );
      await sky.client.down(name);
      await waitNoPods(b.clients, NAMESPACE, `skyport.dev/cluster=${name}`);
    }
    const d = summarize(decisions.filter(Number.isFinite));
    console.log(`first FailedScheduling → pods on the next candidate: ${fmtSummary(d)}`);
    console.log(`POST → job RUNNING (with the burst): ${fmtSummary(summarize(totals))}`);
    writeResult('burst-decision', { method: METHOD, trials, decisionMs: d, runningMs: summarize(totals), provisionTimeoutSeconds: 10, rows });
  } finally {
    await Promise.all([events.dispose(), pods.dispose()]);
    await sky.stop();
    a.down();
    b.down();
  }
}

runWhenMain(module, () => main());
