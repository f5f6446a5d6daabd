import { ListWatch, Watch, type KubernetesListObject, type KubernetesObject } from '@kubernetes/client-node';
import type { SkyportError } from '@skyport/contracts';
import { addInformerLagSource, skyportMetrics } from '@skyport/telemetry';
import type { KubeClients } from '../client/kube-client.provider';
import { kubeStatusCode, translateKubeError } from '../errors/kube-error.translator';

export type InformerState = 'starting' | 'synced' | 'absent' | 'error' | 'stopped';

export interface ResourceInformerOptions<T extends KubernetesObject> {
  clients: KubeClients;
  /** Resource name for messages and RBAC hints, e.g. `pods`. */
  resource: string;
  /** The watch path, e.g. `/api/v1/namespaces/ns/pods`. */
  path: string;
  list: (selectors: { labelSelector?: string; fieldSelector?: string }) => Promise<KubernetesListObject<T>>;
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** First retry delay after a watch error; doubles up to maxBackoffMs. */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
}

type Listener<T> = (obj: T) => void;

/**
 * A ListWatch that keeps going: after a watch error it waits (exponential backoff) and resumes from the last
 * resourceVersion (client-node relists on 410 Gone). A 404 (resource type or namespace absent) is benign: the
 * informer reports `absent` with an empty cache and keeps checking slowly. `dispose()` stops everything.
 */
export class ResourceInformer<T extends KubernetesObject> {
  private readonly lw: ListWatch<T>;
  private stateValue: InformerState = 'starting';
  private lastErrorValue: SkyportError | undefined;
  private timer: NodeJS.Timeout | undefined;
  private backoff: number;
  private disposed = false;
  private syncedAtValue = 0;
  private readonly syncWaiters: Array<() => void> = [];
  private readonly changeListeners = new Set<Listener<T>>();
  private readonly deleteListeners = new Set<Listener<T>>();
  private readonly stateListeners = new Set<(state: InformerState) => void>();
  /** When the watch was last known connected (for the lag gauge); a fresh informer counts from its creation. */
  private connectedAt = Date.now();
  private readonly removeLagSource: () => void;

  constructor(private readonly opts: ResourceInformerOptions<T>) {
    this.backoff = opts.initialBackoffMs ?? 500;
    const listFn = () => opts.list({ labelSelector: opts.labelSelector, fieldSelector: opts.fieldSelector });
    this.lw = new ListWatch<T>(opts.path, new Watch(opts.clients.kc), listFn, false, opts.labelSelector, opts.fieldSelector);
    const events = (type: string) => skyportMetrics.informerEvents().inc({ resource: opts.resource, type });
    this.lw.on('add', (o) => {
      events('add');
      this.changeListeners.forEach((l) => l(o));
    });
    this.lw.on('update', (o) => {
      events('update');
      this.changeListeners.forEach((l) => l(o));
    });
    this.lw.on('delete', (o) => {
      events('delete');
      this.deleteListeners.forEach((l) => l(o));
    });
    this.lw.on('connect', () => {
      this.backoff = opts.initialBackoffMs ?? 500;
      this.connectedAt = Date.now();
    });
    this.removeLagSource = addInformerLagSource(() => [{ context: opts.clients.context.name, resource: opts.resource, seconds: this.lagSeconds() }]);
    this.lw.on('error', (err: unknown) => this.onError(err));
  }

  get state(): InformerState {
    return this.stateValue;
  }

  get lastError(): SkyportError | undefined {
    return this.lastErrorValue;
  }

  /** When the cache last became consistent with the server (ms since epoch); 0 before the first sync. */
  get syncedAt(): number {
    return this.syncedAtValue;
  }

  /** 0 while the cache follows the server; otherwise how long since it last did. */
  lagSeconds(): number {
    if (this.stateValue === 'synced' || this.stateValue === 'absent') return 0;
    return Math.max(0, (Date.now() - this.connectedAt) / 1000);
  }

  start(): void {
    if (this.disposed) return;
    this.connect();
  }

  /** Resolves once the first list is in the cache (or the resource turned out absent); rejects on dispose. */
  waitForSync(timeoutMs = 30_000): Promise<void> {
    if (this.stateValue === 'synced' || this.stateValue === 'absent') return Promise.resolve();
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(this.lastErrorValue ?? new Error(`${this.opts.resource} informer did not sync in ${timeoutMs} ms`)), timeoutMs);
      this.syncWaiters.push(() => {
        clearTimeout(t);
        if (this.stateValue === 'stopped') reject(new Error('informer disposed'));
        else resolve();
      });
    });
  }

  list(namespace?: string): ReadonlyArray<T> {
    return this.stateValue === 'absent' ? [] : this.lw.list(namespace);
  }

  get(name: string, namespace?: string): T | undefined {
    return this.lw.get(name, namespace);
  }

  onChange(l: Listener<T>): () => void {
    this.changeListeners.add(l);
    return () => this.changeListeners.delete(l);
  }

  onDelete(l: Listener<T>): () => void {
    this.deleteListeners.add(l);
    return () => this.deleteListeners.delete(l);
  }

  onState(l: (state: InformerState) => void): () => void {
    this.stateListeners.add(l);
    return () => this.stateListeners.delete(l);
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.removeLagSource();
    if (this.timer) clearTimeout(this.timer);
    this.setState('stopped');
    await this.lw.stop();
    this.changeListeners.clear();
    this.deleteListeners.clear();
    this.stateListeners.clear();
  }

  private connect(): void {
    this.lw.start().then(
      () => {
        if (this.disposed) return;
        // start() resolves after the list and the watch request; an error during either went to onError.
        if (this.stateValue !== 'error' && this.stateValue !== 'absent') {
          this.lastErrorValue = undefined;
          this.syncedAtValue = Date.now();
          this.connectedAt = this.syncedAtValue;
          this.setState('synced');
        }
      },
      (err: unknown) => this.onError(err),
    );
  }

  private onError(err: unknown): void {
    if (this.disposed) return;
    // Stale from the moment the watch broke, not from when it was last (re)connected long before.
    if (this.stateValue === 'synced') this.connectedAt = Date.now();
    const ns = this.opts.namespace;
    this.lastErrorValue = translateKubeError(err, { verb: 'watch', resource: this.opts.resource, namespace: ns, context: this.opts.clients.context.name });
    this.setState(kubeStatusCode(err) === 404 ? 'absent' : 'error');
    const delay = this.stateValue === 'absent' ? (this.opts.maxBackoffMs ?? 30_000) : this.backoff;
    this.backoff = Math.min(this.backoff * 2, this.opts.maxBackoffMs ?? 30_000);
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (!this.disposed) {
        this.stateValue = 'starting';
        this.connect();
      }
    }, delay);
    this.timer.unref();
  }

  private setState(s: InformerState): void {
    const changed = s !== this.stateValue;
    this.stateValue = s;
    if (s === 'synced' || s === 'absent' || s === 'stopped') this.syncWaiters.splice(0).forEach((w) => w());
    if (changed) this.stateListeners.forEach((l) => l(s));
  }
}
