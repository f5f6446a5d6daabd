import { eventInformer, podInformer, type CoreV1Event, type KubeClients, type ResourceInformer, type V1Pod } from '@skyport/kube';
import { LABEL_MANAGED_BY, MANAGED_BY } from '../pods/cluster-labels';

/**
 * How long a namespace's informers outlive its last launch. Launches close together (a burst, a benchmark, a
 * retry) then share one LIST+WATCH pair instead of paying two LISTs and two WATCHes each; an idle provisioner
 * lets them go, so a busy namespace's events are not cached forever.
 */
export const LAUNCH_WATCH_LINGER_MS = 10 * 60_000;

/** The pods Skyport created and the pod events of one namespace, as a launch waits on them. */
export interface LaunchWatch {
  pods: ResourceInformer<V1Pod>;
  events: ResourceInformer<CoreV1Event>;
  /** The launch is done with it; the informers linger (or stop, with no linger) once no launch holds them. */
  release(): Promise<void>;
}

interface Entry {
  pods: ResourceInformer<V1Pod>;
  events: ResourceInformer<CoreV1Event>;
  holders: number;
  idle?: NodeJS.Timeout;
}

/**
 * Pod and event informers per (context, namespace), shared by every launch into that namespace. Launches only
 * read them (the verdict filters by pod name and uid), so sharing changes nothing but the number of requests.
 */
export class LaunchWatches {
  private readonly entries = new Map<string, Entry>();
  private closing = false;

  constructor(private readonly lingerMs = LAUNCH_WATCH_LINGER_MS) {}

  acquire(clients: KubeClients, namespace: string): LaunchWatch {
    const key = `${clients.context.name}\n${namespace}`;
    let entry = this.entries.get(key);
    // A failing watch is started afresh for the next launch rather than left to wait out its backoff (the old
    // one goes once its launches release it).
    if (entry && (unhealthy(entry.pods) || unhealthy(entry.events))) {
      this.entries.delete(key);
      if (entry.holders === 0) void this.drop(key, entry);
      entry = undefined;
    }
    if (!entry) {
      entry = {
        pods: podInformer(clients, { namespace, labelSelector: `${LABEL_MANAGED_BY}=${MANAGED_BY}` }),
        events: eventInformer(clients, { namespace, fieldSelector: 'involvedObject.kind=Pod' }),
        holders: 0,
      };
      entry.pods.start();
      entry.events.start();
      this.entries.set(key, entry);
    }
    const held = entry;
    if (held.idle) clearTimeout(held.idle);
    held.idle = undefined;
    held.holders++;
    let released = false;
    return {
      pods: held.pods,
      events: held.events,
      release: async () => {
        if (released) return;
        released = true;
        if (--held.holders > 0) return;
        if (this.lingerMs <= 0 || this.closing) return this.drop(key, held);
        held.idle = setTimeout(() => void this.drop(key, held), this.lingerMs);
        held.idle.unref();
      },
    };
  }

  /** Stops what no launch holds; a launch still running (a graceful shutdown waits for it) keeps its own. */
  async dispose(): Promise<void> {
    this.closing = true;
    await Promise.all([...this.entries].map(([key, entry]) => this.drop(key, entry)));
  }

  private async drop(key: string, entry: Entry): Promise<void> {
    if (entry.holders > 0) return;
    if (entry.idle) clearTimeout(entry.idle);
    if (this.entries.get(key) === entry) this.entries.delete(key);
    await Promise.all([entry.pods.dispose(), entry.events.dispose()]);
  }
}

function unhealthy(informer: ResourceInformer<V1Pod> | ResourceInformer<CoreV1Event>): boolean {
  return informer.state === 'absent' || informer.state === 'error' || informer.state === 'stopped';
}
