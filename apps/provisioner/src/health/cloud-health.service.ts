import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ClusterStatus, RequestKind, RequestStatus } from '@skyport/contracts';
import type { AwsProvider, CloudInstance } from '@skyport/cloud-aws';
import { LeaderPass, SERVICE_CONFIG, SERVICE_LOGGER, type Logger } from '@skyport/service-kit';
import type { ProvisionerConfig } from '../config';
import { AWS_PROVIDER } from '../cloud/aws-provider.token';
import { cloudLosses, type RecordedVm } from './cloud-losses';
import { markClusterLost } from './mark-cluster-lost';

/**
 * Cloud cluster health after UP: an AWS cluster one of whose VMs EC2 reports terminated or shutting-down (a spot
 * interruption, a termination outside Skyport) is marked FAILED through the same transaction as a Kubernetes
 * cluster that lost its pods, so a managed job on it recovers alike. One DescribeInstances per region per pass (by
 * Skyport's tag and the recorded instance ids), on one replica (the `provisioner.cloud-health` lease). A region EC2
 * cannot answer for is skipped, never taken as a loss; a cluster Skyport is stopping or taking down is left alone.
 */
@Injectable()
export class CloudHealthService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly passes?: LeaderPass;

  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(AWS_PROVIDER) private readonly aws: AwsProvider | null,
    @Inject(SERVICE_CONFIG) private readonly config: ProvisionerConfig,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {
    if (!aws) return;
    this.passes = new LeaderPass({
      databaseUrl: config.SKYPORT_DATABASE_URL,
      name: 'provisioner.cloud-health',
      logger,
      checkIntervalMs: 5_000,
      intervalMs: () => this.config.SKYPORT_CLUSTER_HEALTH_SECONDS * 1000,
      pass: () => this.pass(),
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.passes?.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.passes?.stop();
  }

  /** One pass over every UP AWS cluster's VMs; returns the clusters marked lost with their reasons. */
  async pass(): Promise<Array<{ cluster: string; reason: string }>> {
    if (!this.aws) return [];
    // Settled UP clusters only (the 5 s keeps a launch that just recorded its VMs out of it), and none with a stop
    // or down of Skyport's own under way: their VMs stop or terminate because Skyport asked.
    const recorded = (
      (await this.db.query(
        `SELECT c.name AS cluster, i.region, i.instance_id AS "instanceId", i.use_spot AS "useSpot"
           FROM clusters c JOIN cloud_instances i ON i.cluster_name = c.name AND i.provider = 'aws' AND i.terminated_at IS NULL
          WHERE c.status = $1 AND c.infra LIKE 'aws/%' AND c.updated_at < now() - interval '5 seconds'
            AND NOT EXISTS (SELECT 1 FROM requests r WHERE r.cluster_name = c.name AND r.kind = ANY($2) AND r.status = ANY($3))`,
        [ClusterStatus.Up, [RequestKind.Stop, RequestKind.Down], [RequestStatus.Pending, RequestStatus.Running]],
      )) as RecordedVm[]
    );
    const answered = new Set<string>();
    const seen = new Map<string, CloudInstance>();
    for (const region of new Set(recorded.map((v) => v.region))) {
      try {
        const instances = await this.aws.describeInstances(region, recorded.filter((v) => v.region === region).map((v) => v.instanceId));
        for (const i of instances) seen.set(i.instanceId, i);
        answered.add(region);
      } catch (e) {
        this.logger.warn({ region, err: e instanceof Error ? e.message : String(e) }, 'cloud health: EC2 region not readable; skipped');
      }
    }
    const lost: Array<{ cluster: string; reason: string }> = [];
    for (const [cluster, reason] of cloudLosses(recorded, answered, seen)) {
      if (await markClusterLost(this.db, this.logger, cluster, reason)) lost.push({ cluster, reason });
    }
    return lost;
  }
}
