import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ClusterStatus, JobStatus, NODE_LABELS, RequestStatus } from '@skyport/contracts';
import { kubeCall, kubernetesContextOf, type KubeClientProvider, type V1Pod } from '@skyport/kube';
import { recordEvent } from '@skyport/persistence';
import { LeaderLease, SERVICE_CONFIG, SERVICE_LOGGER, runPeriodically, type Logger, type Periodic } from '@skyport/service-kit';
import type { ProvisionerConfig } from '../config';
import { describeNodeLoss } from '../jobs/node-loss';
import { KUBE_PROVIDER } from '../provision/kube-provider.token';

const SOURCE = 'provisioner';

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
  private periodic?: Periodic;
  private readonly lease: LeaderLease;

  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(KUBE_PROVIDER) private readonly kube: KubeClientProvider,
    @Inject(SERVICE_CONFIG) private readonly config: ProvisionerConfig,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {
    this.lease = new LeaderLease({ databaseUrl: config.SKYPORT_DATABASE_URL, name: 'provisioner.cluster-health', logger, checkIntervalMs: 5_000 });
  }

  async onApplicationBootstrap(): Promise<void> {
    this.lease.start();
    // The first pass is awaited (bounded): a restarted stack must not accept a launch onto a cluster it has lost.
    await Promise.race([this.firstPass(), new Promise((r) => setTimeout(r, 5_000).unref())]);
    this.periodic = runPeriodically(
      async () => {
        if (this.lease.isLeader) await this.pass();
      },
      () => this.config.SKYPORT_CLUSTER_HEALTH_SECONDS * 1000,
      (e) => this.logger.warn({ err: e instanceof Error ? e.message : String(e) }, 'cluster health pass failed'),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    this.periodic?.stop();
    await this.lease.stop();
  }

  private async firstPass(): Promise<void> {
    for (let i = 0; i < 20 && !this.lease.isLeader; i++) await new Promise((r) => setTimeout(r, 100));
    if (this.lease.isLeader) await this.pass().catch((e: unknown) => this.logger.warn({ err: String(e) }, 'first cluster health pass failed'));
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
        if (await this.markLost(c.name, reason)) lost.push({ cluster: c.name, reason });
      }
    }
    return lost;
  }

  private async markLost(clusterName: string, reason: string): Promise<boolean> {
    const message = `cluster lost its nodes outside Skyport (${reason}); 'skyport launch -c ${clusterName}' provisions it again, 'skyport down ${clusterName}' removes what is left`;
    return this.db.transaction(async (tx) => {
      const res = await tx.query(`UPDATE clusters SET status = $2, status_reason = $3, updated_at = now() WHERE name = $1 AND status = $4`, [clusterName, ClusterStatus.Failed, message, ClusterStatus.Up]);
      if (!(Array.isArray(res) ? Number(res[1] ?? 0) : 0)) return false;
      const jobs: Array<{ job_id: number; request_id: string | null }> = await tx.query(
        `UPDATE jobs SET status = $2, ended_at = now() WHERE cluster_name = $1 AND status IN ($3, $4, $5) RETURNING job_id, request_id`,
        [clusterName, JobStatus.FailedDriver, JobStatus.Pending, JobStatus.SettingUp, JobStatus.Running],
      ).then((r: unknown) => (Array.isArray(r) && Array.isArray(r[0]) ? (r[0] as Array<{ job_id: number; request_id: string | null }>) : []));
      for (const j of jobs) {
        if (j.request_id) {
          await tx.query(`UPDATE requests SET status = $2, error_code = 'CONFLICT', error_message = $3, updated_at = now() WHERE id = $1 AND status IN ($4, $5)`, [
            j.request_id,
            RequestStatus.Failed,
            `job ${j.job_id} failed: ${message}`,
            RequestStatus.Pending,
            RequestStatus.Running,
          ]);
        }
        await recordEvent(tx, SOURCE, { type: 'job.failed', message: `job ${j.job_id} failed: the cluster lost its nodes (${reason})`, requestId: j.request_id, clusterName, jobId: j.job_id });
      }
      await recordEvent(tx, SOURCE, { type: 'cluster.failed', message, clusterName, data: { reason } });
      this.logger.warn({ cluster: clusterName, reason }, 'cluster lost its nodes; marked FAILED');
      return true;
    });
  }
}
