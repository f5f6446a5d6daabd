import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { NODE_LABELS, type ClusterStatus } from '@skyport/contracts';
import { kubeCall, kubeCallOrUndefined, type KubeClientProvider, type KubeClients } from '@skyport/kube';
import { recordEvent } from '@skyport/persistence';
import { SERVICE_CONFIG, SERVICE_LOGGER, runPeriodically, type Logger, type Periodic } from '@skyport/service-kit';
import type { AutodownConfig } from '../config';
import { KUBE_PROVIDER } from '../kube.provider';
import { SingletonLease } from '../singleton-lease';
import { orphanReason, type ClusterRecord, type LabelledObject } from './orphans';
import { skyportMetrics } from '@skyport/telemetry';

interface Meta {
  metadata?: { name?: string; namespace?: string; labels?: Record<string, string>; creationTimestamp?: Date | string; deletionTimestamp?: Date | string };
}

/**
 * Deletes Kubernetes objects labelled as Skyport's whose cluster is gone (no row, or ended) once the grace
 * period has passed — what a crash in the middle of a teardown or a failed launch can leave behind. Runs at
 * start and periodically. Only objects with both Skyport labels are ever considered.
 */
@Injectable()
export class ReaperService implements OnApplicationBootstrap, OnApplicationShutdown {
  private periodic?: Periodic;

  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(KUBE_PROVIDER) private readonly kube: KubeClientProvider,
    @Inject(SERVICE_CONFIG) private readonly config: AutodownConfig,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
    @Inject(SingletonLease) private readonly lease: SingletonLease,
  ) {}

  onApplicationBootstrap(): void {
    this.periodic = runPeriodically(
      async () => {
        // Only the lease holder reaps; the first pass waits a moment for the lease to be taken at start.
        if (!this.lease.isLeader) await new Promise((r) => setTimeout(r, 1_000));
        if (this.lease.isLeader) await this.reap();
      },
      () => this.config.SKYPORT_REAPER_INTERVAL_SECONDS * 1000,
      (e) => this.logger.warn({ err: e instanceof Error ? e.message : String(e) }, 'reaper pass failed'),
    );
  }

  onApplicationShutdown(): void {
    this.periodic?.stop();
  }

  /** One pass over every configured context; returns what was deleted. */
  async reap(): Promise<LabelledObject[]> {
    const contexts = this.config.SKYPORT_REAPER_CONTEXTS.split(',').map((c) => c.trim()).filter(Boolean);
    const deleted: LabelledObject[] = [];
    for (const context of contexts.length ? contexts : this.kube.contexts()) {
      try {
        deleted.push(...(await this.reapContext(context)));
      } catch (e) {
        this.logger.warn({ context, err: e instanceof Error ? e.message : String(e) }, 'reaper could not look at a context');
      }
    }
    return deleted;
  }

  private async reapContext(context: string): Promise<LabelledObject[]> {
    const clients = this.kube.forContext(context);
    const objects = await this.labelledObjects(clients);
    if (objects.length === 0) return [];
    const names = [...new Set(objects.map((o) => o.clusterName))];
    const rows: Array<{ name: string; status: ClusterStatus; infra: string | null; updated_at: Date }> = await this.db.query(
      `SELECT name, status, infra, updated_at FROM clusters WHERE name = ANY($1)`,
      [names],
    );
    const [{ now }]: Array<{ now: Date }> = await this.db.query('SELECT now() AS now');
    const clusters = new Map<string, ClusterRecord>(rows.map((r) => [r.name, { status: r.status, infra: r.infra, updatedAt: new Date(r.updated_at) }]));
    const deleted: LabelledObject[] = [];
    for (const object of objects) {
      const reason = orphanReason(object, clusters.get(object.clusterName), new Date(now), this.config.SKYPORT_REAPER_GRACE_SECONDS * 1000);
      if (!reason) continue;
      await this.delete(clients, object);
      deleted.push(object);
      skyportMetrics.autodownTeardowns().inc({ reason: 'orphan-reaped' });
      this.logger.info({ context, kind: object.kind, namespace: object.namespace, name: object.name, reason }, 'reaped an orphaned object');
      await this.db.transaction((tx) =>
        recordEvent(tx, 'autodown', {
          type: 'reaper.deleted',
          message: `reaper: deleted ${object.kind} ${object.namespace}/${object.name} in ${context}: ${reason}`,
          clusterName: object.clusterName,
          data: { context, kind: object.kind, namespace: object.namespace, name: object.name },
        }),
      );
    }
    return deleted;
  }

  private async labelledObjects(clients: KubeClients): Promise<LabelledObject[]> {
    const namespaces = this.config.SKYPORT_REAPER_NAMESPACES.split(',').map((n) => n.trim()).filter(Boolean);
    if (namespaces.length === 0) return this.labelledIn(clients, undefined);
    return (await Promise.all(namespaces.map((ns) => this.labelledIn(clients, ns)))).flat();
  }

  private async labelledIn(clients: KubeClients, namespace: string | undefined): Promise<LabelledObject[]> {
    const labelSelector = `${NODE_LABELS.managedBy}=${NODE_LABELS.managedByValue},${NODE_LABELS.cluster}`;
    const context = clients.context.name;
    const { core, networking } = clients;
    const list = (resource: string, all: () => Promise<{ items: Meta[] }>, inNs: (ns: string) => Promise<{ items: Meta[] }>) =>
      kubeCall({ verb: 'list', resource, namespace, context }, () => (namespace ? inNs(namespace) : all()));
    const lists: Array<[LabelledObject['kind'], Promise<{ items: Meta[] }>]> = [
      ['pod', list('pods', () => core.listPodForAllNamespaces({ labelSelector }), (ns) => core.listNamespacedPod({ namespace: ns, labelSelector }))],
      ['service', list('services', () => core.listServiceForAllNamespaces({ labelSelector }), (ns) => core.listNamespacedService({ namespace: ns, labelSelector }))],
      ['secret', list('secrets', () => core.listSecretForAllNamespaces({ labelSelector }), (ns) => core.listNamespacedSecret({ namespace: ns, labelSelector }))],
      ['configmap', list('configmaps', () => core.listConfigMapForAllNamespaces({ labelSelector }), (ns) => core.listNamespacedConfigMap({ namespace: ns, labelSelector }))],
      [
        'persistentvolumeclaim',
        list(
          'persistentvolumeclaims',
          () => core.listPersistentVolumeClaimForAllNamespaces({ labelSelector }),
          (ns) => core.listNamespacedPersistentVolumeClaim({ namespace: ns, labelSelector }),
        ),
      ],
      ['ingress', list('ingresses', () => networking.listIngressForAllNamespaces({ labelSelector }), (ns) => networking.listNamespacedIngress({ namespace: ns, labelSelector }))],
    ];
    const results = await Promise.all(lists.map(([, items]) => items));
    const out: LabelledObject[] = [];
    for (const [i, [kind]] of lists.entries()) {
      for (const item of results[i].items) {
        const m = item.metadata;
        const clusterName = m?.labels?.[NODE_LABELS.cluster];
        if (!m?.name || !m.namespace || !clusterName || m.deletionTimestamp) continue;
        out.push({ kind, context, namespace: m.namespace, name: m.name, clusterName, createdAt: new Date(m.creationTimestamp ?? 0) });
      }
    }
    return out;
  }

  private async delete(clients: KubeClients, o: LabelledObject): Promise<void> {
    const op = { verb: 'delete', resource: `${o.kind}s`, name: o.name, namespace: o.namespace, context: o.context };
    const args = { name: o.name, namespace: o.namespace };
    const calls: Record<LabelledObject['kind'], () => Promise<unknown>> = {
      pod: () => clients.core.deleteNamespacedPod(args),
      service: () => clients.core.deleteNamespacedService(args),
      secret: () => clients.core.deleteNamespacedSecret(args),
      configmap: () => clients.core.deleteNamespacedConfigMap(args),
      persistentvolumeclaim: () => clients.core.deleteNamespacedPersistentVolumeClaim(args),
      ingress: () => clients.networking.deleteNamespacedIngress(args),
    };
    await kubeCallOrUndefined(op, calls[o.kind]);
  }
}
