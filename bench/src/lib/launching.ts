import { performance } from 'node:perf_hooks';
import type { SkyportClient } from '@skyport/client';
import { podInformer, type KubeClients, type ResourceInformer, type V1Pod } from '@skyport/kube';

/** A small SkyPilot task: `numNodes` pods of `cpus` CPUs whose run phase sleeps (it must be RUNNING, not done). */
export function taskYaml(opts: { name: string; numNodes?: number; cpus?: number; memory?: number; run?: string }): string {
  return [
    `name: ${opts.name}`,
    `num_nodes: ${opts.numNodes ?? 1}`,
    'resources:',
    `  cpus: ${opts.cpus ?? 0.5}`,
    `  memory: ${opts.memory ?? 1}`,
    'run: |',
    `  ${opts.run ?? 'sleep 600'}`,
    '',
  ].join('\n');
}

export interface LaunchTiming {
  requestId: string;
  /** POST sent → 202 received. */
  acceptMs: number;
  /** POST sent → the `job.running` event received on the request's event stream. */
  runningMs: number;
  /** Every event type seen, in order (for the record). */
  events: Array<{ type: string; atMs: number }>;
}

/**
 * `POST /v1/clusters/:name/launch`, then follows the request's SSE event stream until the job is RUNNING
 * (event `job.running`). Throws with the request's last events if it ends any other way.
 */
export async function launchUntilRunning(client: SkyportClient, cluster: string, yaml: string): Promise<LaunchTiming> {
  const t0 = performance.now();
  const accepted = await client.launch(cluster, { task: yaml });
  const acceptMs = performance.now() - t0;
  const events: LaunchTiming['events'] = [];
  for await (const event of client.requestEvents(accepted.requestId, { follow: true })) {
    const atMs = performance.now() - t0;
    events.push({ type: event.type, atMs });
    if (event.type === 'job.running') return { requestId: accepted.requestId, acceptMs, runningMs: atMs, events };
    if (/failed|cancelled/.test(event.type) && !/attempt_failed/.test(event.type)) {
      throw new Error(`launch of ${cluster} ended ${event.type}: ${event.message}`);
    }
  }
  throw new Error(`the event stream of ${cluster}'s launch ended before job.running: ${events.map((e) => e.type).join(', ')}`);
}

/** Where the time goes: each event type's arrival after the POST (p50 and max over the launches), in order. */
export function eventPhases(timings: readonly LaunchTiming[]): Array<{ type: string; p50: number; max: number }> {
  const types = [...new Set(timings.flatMap((t) => t.events.map((e) => e.type)))];
  return types.map((type) => {
    const at = timings.map((t) => t.events.find((e) => e.type === type)?.atMs ?? NaN).filter(Number.isFinite).sort((a, b) => a - b);
    return { type, p50: at[Math.floor((at.length - 1) / 2)] ?? NaN, max: at[at.length - 1] ?? NaN };
  });
}

/** Waits until no pod with the label selector is left in the namespace (after `down`). */
export async function waitNoPods(clients: KubeClients, namespace: string, labelSelector: string, timeoutMs = 180_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const list = await clients.core.listNamespacedPod({ namespace, labelSelector });
    if (list.items.length === 0) return;
    if (Date.now() > deadline) throw new Error(`${list.items.length} pod(s) matching ${labelSelector} still exist after ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/**
 * The baseline: pods created directly with the Kubernetes client (one POST each, as `kubectl apply` would),
 * timed from the create call to the watch showing phase Running. Uses one informer on the namespace, started
 * before the clock, so the watch costs nothing per pod.
 */
export class DirectPods {
  private readonly informer: ResourceInformer<V1Pod>;
  private readonly runningAt = new Map<string, number>();
  private readonly waiters = new Map<string, () => void>();

  constructor(
    private readonly clients: KubeClients,
    private readonly namespace: string,
    private readonly label = 'skyport-bench/direct',
  ) {
    this.informer = podInformer(clients, { namespace, labelSelector: `${label}=true` });
    this.informer.onChange((pod) => {
      const name = pod.metadata?.name ?? '';
      if (pod.status?.phase === 'Running' && !this.runningAt.has(name)) {
        this.runningAt.set(name, performance.now());
        this.waiters.get(name)?.();
      }
    });
  }

  async start(): Promise<void> {
    this.informer.start();
    await this.informer.waitForSync(30_000);
  }

  /** A pod like `template` (a Skyport pod's spec: same image, requests, tolerations, labels minus Skyport's). */
  body(template: V1Pod, name: string): V1Pod {
    const spec = structuredClone(template.spec ?? { containers: [] });
    delete spec.nodeName;
    delete spec.hostname;
    delete spec.subdomain;
    // Secrets/volumes of the Skyport cluster are not there for the copy.
    spec.volumes = (spec.volumes ?? []).filter((v) => !v.secret && !v.projected);
    spec.containers = spec.containers.map((c) => ({ ...c, envFrom: undefined, volumeMounts: (c.volumeMounts ?? []).filter((m) => spec.volumes?.some((v) => v.name === m.name)) }));
    return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: this.namespace, labels: { [this.label]: 'true' } }, spec };
  }

  /** Creates the pods (all at once, `concurrency` create calls in flight) and resolves with each one's create → Running time. */
  async createAndWait(template: V1Pod, names: string[], concurrency = 1, timeoutMs = 300_000): Promise<number[]> {
    const started = new Map<string, number>();
    const done = names.map((name) => new Promise<void>((resolve) => (this.runningAt.has(name) ? resolve() : this.waiters.set(name, resolve))));
    let next = 0;
    const worker = async () => {
      while (next < names.length) {
        const name = names[next++];
        started.set(name, performance.now());
        await this.clients.core.createNamespacedPod({ namespace: this.namespace, body: this.body(template, name) });
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, names.length) }, worker));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(done),
      new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`direct pods not all Running after ${timeoutMs / 1000} s`)), timeoutMs))),
    ]).finally(() => clearTimeout(timer));
    return names.map((n) => (this.runningAt.get(n) ?? NaN) - (started.get(n) ?? NaN));
  }

  /** When each pod was first seen Running (performance.now() clock). */
  runningTime(name: string): number | undefined {
    return this.runningAt.get(name);
  }

  async deleteAll(): Promise<void> {
    await this.clients.core.deleteCollectionNamespacedPod({ namespace: this.namespace, labelSelector: `${this.label}=true`, gracePeriodSeconds: 0 }).catch(() => undefined);
    await waitNoPods(this.clients, this.namespace, `${this.label}=true`).catch(() => undefined);
  }

  async dispose(): Promise<void> {
    await this.informer.dispose();
  }
}

/** The head pod Skyport created for a cluster (the template of the equivalent direct pod). */
export async function skyportPod(clients: KubeClients, namespace: string, cluster: string): Promise<V1Pod> {
  const list = await clients.core.listNamespacedPod({ namespace, labelSelector: `skyport.dev/cluster=${cluster}` });
  const pod = list.items.find((p) => p.metadata?.name?.endsWith('-head')) ?? list.items[0];
  if (!pod) throw new Error(`no pod of Skyport cluster ${cluster} in namespace ${namespace}`);
  return pod;
}

/**
 * `down` every named Skyport cluster through the API and waits until none of Skyport's pods is left (with
 * `onlyThese`, none of those clusters' pods: other clusters keep running).
 */
export async function downClusters(client: SkyportClient, kube: KubeClients, namespace: string, names: readonly string[], onlyThese = false): Promise<void> {
  for (const n of names) await client.down(n).catch(() => undefined);
  const selector = onlyThese ? `skyport.dev/cluster in (${names.join(',')})` : 'app.kubernetes.io/managed-by=skyport';
  await waitNoPods(kube, namespace, selector, 300_000);
}
