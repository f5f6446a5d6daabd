import type { ProvisionerRpc } from '@skyport/contracts';
import { nodeInformer, podInformer, type KubeClientProvider, type ResourceInformer, type V1Node, type V1Pod } from '@skyport/kube';
import { clusterCapacity } from './node-capacity';

type ContextCapacity = ProvisionerRpc.ContextCapacity;

interface ContextWatch {
  context: string;
  namespace: string;
  nodes?: ResourceInformer<V1Node>;
  pods?: ResourceInformer<V1Pod>;
  /** Set when the context could not even be configured (unknown context, bad credentials file). */
  setupError?: string;
  /** Bumped by every informer event: the computed nodes below are reused until something changed. */
  generation: number;
  computed?: { generation: number; nodes: ContextCapacity['nodes'] };
}

// Terminated pods hold nothing; leaving them out keeps the cache small on busy clusters.
const LIVE_PODS = 'status.phase!=Succeeded,status.phase!=Failed';

/**
 * The live capacity of every allowed context: one node informer and one pod informer per context, so a
 * Capacity call reads memory, never the API server.
 */
export class CapacityService {
  private readonly watches = new Map<string, ContextWatch>();

  constructor(private readonly kube: KubeClientProvider) {}

  /** Starts the informers of every allowed context (idempotent). */
  start(): void {
    for (const ctx of this.kube.contexts()) this.watch(ctx);
  }

  private watch(context: string): ContextWatch {
    const existing = this.watches.get(context);
    if (existing) return existing;
    let w: ContextWatch;
    try {
      const clients = this.kube.forContext(context);
      const watch: ContextWatch = {
        context,
        namespace: clients.context.namespace,
        nodes: nodeInformer(clients, { maxBackoffMs: 15_000 }),
        pods: podInformer(clients, { fieldSelector: LIVE_PODS, maxBackoffMs: 15_000 }),
        generation: 0,
      };
      // Summing every pod's requests is O(nodes + pods) per call; a burst of plans (each asks for the snapshot)
      // would redo it for an unchanged cluster and miss the optimizer's deadline on a large one.
      const bump = (): void => {
        watch.generation++;
      };
      for (const informer of [watch.nodes, watch.pods]) {
        informer?.onChange(bump);
        informer?.onDelete(bump);
        informer?.onState(bump);
      }
      w = watch;
      w.nodes?.start();
      w.pods?.start();
    } catch (err) {
      w = { context, namespace: '', setupError: err instanceof Error ? err.message : String(err), generation: 0 };
    }
    this.watches.set(context, w);
    return w;
  }

  /** Waits (bounded) until every context's informers synced or failed, so the first answer is not empty. */
  async waitForSync(timeoutMs = 10_000): Promise<void> {
    const all = [...this.watches.values()].flatMap((w) => [w.nodes, w.pods]).filter((i): i is ResourceInformer<V1Node> | ResourceInformer<V1Pod> => !!i);
    await Promise.all(all.map((i) => i.waitForSync(timeoutMs).catch(() => undefined)));
  }

  snapshot(contexts: readonly string[] = []): ContextCapacity[] {
    const names = contexts.length > 0 ? contexts : this.kube.contexts();
    return names.map((name) => this.contextSnapshot(name));
  }

  private contextSnapshot(name: string): ContextCapacity {
    if (!this.kube.contexts().includes(name)) {
      return { context: name, namespace: '', reachable: false, error: `context "${name}" is not an allowed context`, nodes: [], snapshotAgeMs: 0 };
    }
    const w = this.watch(name);
    if (w.setupError || !w.nodes || !w.pods) {
      return { context: name, namespace: w.namespace, reachable: false, error: w.setupError ?? 'not configured', nodes: [], snapshotAgeMs: 0 };
    }
    const failing = [w.nodes, w.pods].find((i) => i.state === 'error' || i.state === 'starting');
    const syncedAt = Math.min(w.nodes.syncedAt || Date.now(), w.pods.syncedAt || Date.now());
    if (failing && (failing.state === 'error' || failing.syncedAt === 0)) {
      return {
        context: name,
        namespace: w.namespace,
        reachable: false,
        error: failing.lastError?.userMessage ?? 'the informers have not synced yet',
        nodes: [],
        snapshotAgeMs: 0,
      };
    }
    if (w.computed?.generation !== w.generation) {
      w.computed = { generation: w.generation, nodes: clusterCapacity(w.nodes.list(), w.pods.list()).map((n) => ({ ...n })) };
    }
    const nodes = w.computed.nodes;
    // A live watch keeps the cache current; the age only grows while an informer is reconnecting.
    const live = w.nodes.state === 'synced' && w.pods.state === 'synced';
    return { context: name, namespace: w.namespace, reachable: true, error: '', nodes, snapshotAgeMs: live ? 0 : Math.max(0, Date.now() - syncedAt) };
  }

  async dispose(): Promise<void> {
    const all = [...this.watches.values()].flatMap((w) => [w.nodes, w.pods]);
    this.watches.clear();
    await Promise.all(all.map((i) => i?.dispose()));
  }
}
