import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { TERMINAL_MANAGED_JOB_STATUSES, type ClusterStatus, type ManagedJobStatus } from '@skyport/contracts';
import {
  KUBE_PROVIDER,
  deleteClusterObject,
  deleteJobGroupService,
  jobGroupHasLivePods,
  listJobGroupServices,
  listLabelledClusterObjects,
  type JobGroupServiceRef,
  type KubeClientProvider,
  type KubeClients,
} from '@skyport/kube';
import { recordEvent } from '@skyport/persistence';
import { SERVICE_CONFIG, SERVICE_LOGGER, runPeriodically, type Logger, type Periodic } from '@skyport/service-kit';
import type { AutodownConfig } from '../config';
import { SingletonLease } from '../singleton-lease';
import { jobGroupServiceOrphanReason, orphanReason, type ClusterRecord, type LabelledObject } from './orphans';
import { skyportMetrics } from '@skyport/telemetry';

/**
 * Deletes Kubernetes objects labelled as Skyport's whose cluster is gone (no row, or ended) once the grace
 * period has passed — what a crash in the middle of a teardown or a failed launch can leave behind. Runs at
 * start and periodically. Only objects with both Skyport labels, of the kinds a cluster is made of (@skyport/kube's
 * CLUSTER_OBJECT_KINDS, which teardown deletes too), are ever considered.
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
    await this.reapJobGroupServices(clients);
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
      await deleteClusterObject(clients, object.kind, object.namespace, object.name);
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

  /** Job groups' Services (no cluster label, so not among the cluster objects) whose group is over; returns them. */
  async reapJobGroupServices(clients: KubeClients): Promise<JobGroupServiceRef[]> {
    const context = clients.context.name;
    const namespaces = this.config.SKYPORT_REAPER_NAMESPACES.split(',').map((n) => n.trim()).filter(Boolean);
    const services = namespaces.length === 0 ? await listJobGroupServices(clients) : (await Promise.all(namespaces.map((ns) => listJobGroupServices(clients, ns)))).flat();
    if (services.length === 0) return [];
    const rows: Array<{ id: number; status: ManagedJobStatus }> = await this.db.query(`SELECT id, status FROM managed_jobs WHERE id = ANY($1)`, [services.map((s) => s.managedJobId)]);
    const [{ now }]: Array<{ now: Date }> = await this.db.query('SELECT now() AS now');
    const deleted: JobGroupServiceRef[] = [];
    for (const service of services) {
      const row = rows.find((r) => Number(r.id) === service.managedJobId);
      const job = row ? { ended: TERMINAL_MANAGED_JOB_STATUSES.has(row.status) } : undefined;
      const live = await jobGroupHasLivePods(clients, service.namespace, service.managedJobId);
      const reason = jobGroupServiceOrphanReason(service, job, live, new Date(now), this.config.SKYPORT_REAPER_GRACE_SECONDS * 1000);
      if (!reason) continue;
      await deleteJobGroupService(clients, service.namespace, service.managedJobId);
      deleted.push(service);
      skyportMetrics.autodownTeardowns().inc({ reason: 'orphan-reaped' });
      this.logger.info({ context, kind: 'service', namespace: service.namespace, name: service.name, reason }, 'reaped a job group Service');
      await this.db.transaction((tx) =>
        recordEvent(tx, 'autodown', {
          type: 'reaper.deleted',
          message: `reaper: deleted service ${service.namespace}/${service.name} in ${context}: ${reason}`,
          data: { context, kind: 'service', namespace: service.namespace, name: service.name, managedJobId: service.managedJobId },
        }),
      );
    }
    return deleted;
  }

  private async labelledObjects(clients: KubeClients): Promise<LabelledObject[]> {
    const namespaces = this.config.SKYPORT_REAPER_NAMESPACES.split(',').map((n) => n.trim()).filter(Boolean);
    const found = namespaces.length === 0 ? await listLabelledClusterObjects(clients) : (await Promise.all(namespaces.map((ns) => listLabelledClusterObjects(clients, ns)))).flat();
    return found.map((o) => ({ ...o, context: clients.context.name }));
  }
}
