import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ClusterStatus, NODE_LABELS } from '@skyport/contracts';
import { KUBE_PROVIDER, kubeCall, kubernetesContextOf, type KubeClientProvider, type V1Pod } from '@skyport/kube';
import { LeaderPass, SERVICE_CONFIG, SERVICE_LOGGER, type Logger } from '@skyport/service-kit';
import type { ProvisionerConfig } from '../config';
import { describeNodeLoss } from '../jobs/node-loss';
import { markClusterLost } from './mark-cluster-lost';

interface UpCluster {
  name: string;
  infra: string;
  namespace: string | null;
  num_nodes: number;
}

/**
 * Cluster health after UP. A cluster whose pods were deleted, evicted or failed outside Skyport (or whose whole
 * Kubernetes cluster was recreated empty) is marked FAILED with the reason, its unfinished jobs fail with it, and
 * the next `skyport launch` of the same name provisions it again — instead of the database saying UP forever.
 * One LIST per namespace per pass, run by one replica (a lease); a context that cannot be reached is skipped,
 * never taken as a loss.
 */
@Injectable()
export class ClusterHealthService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly passes: LeaderPass;

  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(KUBE_PROVIDER) private readonly kube: KubeClientProvider,
    @Inject(SERVICE_CONFIG) private readonly config: ProvisionerConfig,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {
    this.passes = new LeaderPass({
      databaseUrl: config.SKYPORT_DATABASE_URL,
      name: 'provisioner.cluster-health',
      logger,
      checkIntervalMs: 5_000,
      intervalMs: () => this.config.SKYPORT_CLUSTER_HEALTH_SECONDS * 1000,
      pass: () => this.pass(),
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    // The first pass is awaited (bounded): a restarted stack must not accept a launch onto a cluster it has lost.
    await this.passes.start({ firstPassWithinMs: 5_000 });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.passes.stop();
  }

  /** One pass over every UP Kubernetes cluster; returns the clusters marked lost with their reasons. */
  async pass(): Promise<Array<{ cluster: string; reason: string }>> {
    const clusters: UpCluster[] = await this.db.query(
      `SELECT name, infra, namespace, num_nodes FROM clusters
        WHERE status = $1 AND infra LIKE 'kubernetes/%' AND updated_at < now() - interval '5 seconds'`,
      [ClusterStatus.Up],
    );
    const groups = new Map<string, UpCluster[]>();
    for (const c of clusters) {
      const key = `${kubernetesContextOf(c.infra)}\u0000${c.namespace ?? ''}`;
      groups.set(key, [...(groups.get(key) ?? []), c]);
    }
    const lost: Array<{ cluster: string; reason: string }> = [];
    for (const [key, members] of groups) {
      const [context, ns] = key.split('\u0000');
      let pods: V1Pod[];
      let namespace: string;
      try {
        const clients = this.kube.forContext(context, { forCleanup: true });
        namespace = ns || clients.context.namespace;
        const selector = `${NODE_LABELS.managedBy}=${NODE_LABELS.managedByValue},${NODE_LABELS.cluster}`;
        pods = (await kubeCall({ verb: 'list', resource: 'pods', namespace, context }, () => clients.core.listNamespacedPod({ namespace, labelSelector: selector }))).items;
      } catch (e) {
        // Unreachable or refused: say nothing about its clusters rather than declare them lost.
        this.logger.warn({ context, namespace: ns, err: e instanceof Error ? e.message : String(e) }, 'cluster health: context not readable; skipped');
        continue;
      }
      for (const c of members) {
        const mine = pods.filter((p) => p.metadata?.labels?.[NODE_LABELS.cluster] === c.name);
        const losses = describeNodeLoss(mine, c.num_nodes);
        if (losses.length === 0) continue;
        const reason = `${c.num_nodes - losses.length} of ${c.num_nodes} node(s) running: ${losses.join('; ')}`;
        if (await markClusterLost(this.db, this.logger, c.name, reason)) lost.push({ cluster: c.name, reason });
      }
    }
    return lost;
  }
}
