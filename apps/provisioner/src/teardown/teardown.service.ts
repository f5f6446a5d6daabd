import type { DataSource } from 'typeorm';
import { ClusterStatus, RequestStatus, type TeardownPayload } from '@skyport/contracts';
import { kubernetesContextOf, type KubeClientProvider } from '@skyport/kube';
import { ClusterEntity, LIVE_REQUEST_STATUSES, deleteClusterSecrets, recordEvent, transitionRequest } from '@skyport/persistence';
import type { Logger } from '@skyport/service-kit';
import { NOT_TERMINATED, transitionCluster } from '../state/cluster-transition';
import { teardownCluster } from './cluster-teardown';

const SOURCE = 'provisioner';

/** Removes a cloud cluster's VMs (the cloud burst path); absent when no cloud is enabled. */
export interface CloudTeardown {
  teardownInfra(clusterName: string, infra: string): Promise<boolean>;
}

/**
 * `teardown`: deletes every object of the cluster and waits until they are gone, then records the cluster
 * TERMINATED (or leaves it FAILED after a failed launch). The row is never marked gone while objects remain:
 * an incomplete teardown throws, and the queue retries it. Idempotent.
 */
export class TeardownService {
  constructor(private readonly deps: { db: DataSource; kube: KubeClientProvider; logger: Logger; cloud?: CloudTeardown }) {}

  async teardown(payload: TeardownPayload): Promise<void> {
    const { db } = this.deps;
    const cluster = await db.manager.findOne(ClusterEntity, { where: { name: payload.clusterName } });
    if (!cluster) return;
    const failedLaunch = payload.reason === 'failed-launch';
    if (!failedLaunch && cluster.status !== ClusterStatus.Terminated) {
      await db.transaction((tx) =>
        transitionCluster(tx, cluster.name, {
          from: NOT_TERMINATED,
          to: ClusterStatus.TearingDown,
          // The accepted `down` says who asked ("teardown requested by alice", autodown's reason).
          reason: cluster.intent === 'down' && cluster.intentReason ? cluster.intentReason : undefined,
          message: `tearing down (${payload.reason})`,
          requestId: payload.requestId,
        }),
      );
    }
    const context = kubernetesContextOf(cluster.infra);
    if (context) {
      const clients = this.deps.kube.forContext(context, { forCleanup: true });
      await teardownCluster(clients, cluster.namespace ?? clients.context.namespace, cluster.name);
    } else if (cluster.infra && this.deps.cloud) {
      await this.deps.cloud.teardownInfra(cluster.name, cluster.infra);
    } else if (!cluster.infra) {
      await this.sweepUnplaced(cluster.name, cluster.namespace);
    }
    await db.transaction(async (tx) => {
      if (!failedLaunch) {
        await transitionCluster(tx, cluster.name, {
          from: NOT_TERMINATED,
          to: ClusterStatus.Terminated,
          reason: `torn down (${payload.reason})`,
          message: 'every object of the cluster is gone',
          requestId: payload.requestId,
        });
      }
      if (payload.requestId && payload.reason === 'user') {
        await transitionRequest(tx, SOURCE, payload.requestId, { from: LIVE_REQUEST_STATUSES, to: RequestStatus.Succeeded });
      }
      await deleteClusterSecrets(tx, cluster.name); // the pods that needed them are gone
      if (failedLaunch) {
        await recordEvent(tx, SOURCE, { type: 'cluster.cleaned_up', message: 'every object of the failed launch is gone', requestId: payload.requestId ?? null, clusterName: cluster.name });
      }
    });
  }

  /**
   * A cluster that never got placed (its launch failed) should have nothing left: the launcher rolls back. If a
   * rollback was cut short, its objects still carry the cluster label; look in every allowed context.
   */
  private async sweepUnplaced(clusterName: string, namespace: string | null): Promise<void> {
    for (const context of this.deps.kube.contexts()) {
      try {
        const clients = this.deps.kube.forContext(context);
        await teardownCluster(clients, namespace ?? clients.context.namespace, clusterName, { waitMs: 30_000 });
      } catch (err) {
        this.deps.logger.warn({ cluster: clusterName, context, err: err instanceof Error ? err.message : String(err) }, 'sweep of an unplaced cluster failed');
      }
    }
  }
}
