import { setTimeout as sleep } from 'node:timers/promises';
import { NODE_LABELS, TERMINAL_REQUEST_STATUSES, type RequestStatus } from '@skyport/contracts';
import { KubeClientProvider } from '@skyport/kube';
import type { ChaosStack } from './chaos-stack';

/** What a scenario ends with: the figures. */
export interface ScenarioOutcome {
  scenario: string;
  launches: number;
  /** Requests not terminal when the scenario gave up waiting. */
  lost: number;
  /** Clusters with more pods than nodes. */
  duplicates: number;
  /** Pods left after every cluster was taken down. */
  orphans: number;
  /** Launches that ended other than SUCCEEDED (the job ran), with their messages. */
  failed: Array<{ cluster: string; status: string; message?: string }>;
  /** From the end of the fault to the last request terminal. */
  recoverySeconds: number;
}

const TASK = 'resources:\n  cpus: 0.5\n  memory: 0.5\nrun: echo chaos-ok\n';

export async function launchAll(stack: ChaosStack, names: string[]): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  await Promise.all(
    names.map(async (name) => {
      for (let attempt = 0; attempt < 60; attempt++) {
        const res = await stack.call('POST', `/v1/clusters/${name}/launch`, { task: TASK }).catch(() => ({ status: 0, body: undefined }));
        if (res.status === 202) return void ids.set(name, res.body.requestId as string);
        // 503 while a dependency is down: the client retries, as libs/client does.
        await sleep(1_000);
      }
      throw new Error(`launch of ${name} was never accepted`);
    }),
  );
  return ids;
}

export async function waitTerminal(stack: ChaosStack, ids: Map<string, string>, timeoutMs: number): Promise<Map<string, { status: RequestStatus; message?: string }>> {
  const done = new Map<string, { status: RequestStatus; message?: string }>();
  const deadline = Date.now() + timeoutMs;
  while (done.size < ids.size && Date.now() < deadline) {
    for (const [name, id] of ids) {
      if (done.has(name)) continue;
      const res = await stack.call('GET', `/v1/requests/${id}`).catch(() => undefined);
      const status = res?.status === 200 ? (res.body.status as RequestStatus) : undefined;
      if (status && TERMINAL_REQUEST_STATUSES.has(status)) done.set(name, { status, message: res?.body.error?.message ?? res?.body.errorMessage });
    }
    if (done.size < ids.size) await sleep(500);
  }
  return done;
}

export function podsIn(stack: ChaosStack): () => Promise<Map<string, number>> {
  // Checks read Kubernetes directly (not through the relay a scenario may have cut).
  const kube = KubeClientProvider.fromSource({ paths: [process.env.SKYPORT_TEST_KUBECONFIG ?? stack.kube.kubeconfig] });
  return async () => {
    const list = await kube.forContext(stack.kube.context).core.listNamespacedPod({ namespace: stack.namespace, labelSelector: `${NODE_LABELS.managedBy}=${NODE_LABELS.managedByValue}` });
    const byCluster = new Map<string, number>();
    for (const p of list.items) {
      if (p.metadata?.deletionTimestamp) continue;
      const c = p.metadata?.labels?.[NODE_LABELS.cluster] ?? '?';
      byCluster.set(c, (byCluster.get(c) ?? 0) + 1);
    }
    return byCluster;
  };
}

/**
 * Runs one scenario: N launches, the fault while they are in flight, then waits for every request to end,
 * counts duplicates, takes every cluster down and counts what is left.
 */
export async function runScenario(
  stack: ChaosStack,
  scenario: string,
  n: number,
  fault: () => Promise<void>,
  options: { timeoutMs?: number } = {},
): Promise<ScenarioOutcome> {
  const slug = scenario.replace(/[^a-z0-9]+/gi, '-').toLowerCase().slice(0, 20).replace(/-+$/, '');
  const names = Array.from({ length: n }, (_, i) => `${slug}-${i}`);
  const launching = launchAll(stack, names);
  await fault();
  const faultEnded = Date.now();
  const ids = await launching;
  const done = await waitTerminal(stack, ids, options.timeoutMs ?? 240_000);
  const recoverySeconds = (Date.now() - faultEnded) / 1000;
  const pods = await podsIn(stack)();
  const duplicates = names.filter((c) => (pods.get(c) ?? 0) > 1).length;
  const failed = [...done].filter(([, d]) => d.status !== 'SUCCEEDED').map(([cluster, d]) => ({ cluster, status: d.status, message: d.message }));
  for (const name of names) {
    for (let i = 0; i < 30; i++) {
      const res = await stack.call('POST', `/v1/clusters/${name}/down`, {}).catch(() => ({ status: 0 }));
      if (res.status === 202 || res.status === 404 || res.status === 409) break;
      await sleep(1_000);
    }
  }
  let orphans = 0;
  const deadline = Date.now() + 120_000;
  for (;;) {
    const left = await podsIn(stack)();
    orphans = names.reduce((sum, c) => sum + (left.get(c) ?? 0), 0);
    if (orphans === 0 || Date.now() > deadline) break;
    await sleep(1_000);
  }
  return { scenario, launches: n, lost: n - done.size, duplicates, orphans, failed, recoverySeconds };
}
