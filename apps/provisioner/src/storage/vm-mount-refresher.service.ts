import { Inject, Injectable, Optional, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ClusterStatus } from '@skyport/contracts';
import { LeaderPass, SERVICE_CONFIG, SERVICE_LOGGER, type Logger } from '@skyport/service-kit';
import { isBucketMount, type TaskSpec } from '@skyport/task-spec';
import type { ProvisionerConfig } from '../config';
import { CLOUD_LAUNCHER } from '../cloud/cloud-nodes.service';
import type { CloudLauncher } from '../cloud/cloud-launcher';
import { BucketGate } from './bucket-gate';
import { S3_BUCKETS } from './s3-buckets.provider';
import type { S3Buckets } from './s3-buckets';
import { vmBucketMountsOf } from './vm-bucket-mounts';

/**
 * Keeps the MOUNT keys of AWS VM clusters alive: every quarter of their lifetime (at most hourly), on one replica
 * (the `provisioner.vm-mount-keys` lease), each UP cluster's mounts are checked again (the allow-list as it is now)
 * and get newly minted keys, written over the keys file on every VM. rclone reads the file when the keys it holds
 * expire, so a mount outlives SKYPORT_S3_VM_MOUNT_SECONDS as long as this runs. A bucket no longer allowed gets no
 * new keys: its mount stops working when the old ones expire.
 */
@Injectable()
export class VmMountRefresher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly passes?: LeaderPass;

  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(SERVICE_CONFIG) config: ProvisionerConfig,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
    @Optional() @Inject(CLOUD_LAUNCHER) private readonly launcher?: CloudLauncher,
    @Optional() @Inject(S3_BUCKETS) private readonly buckets?: S3Buckets,
  ) {
    if (!launcher?.enabledProviders.has('aws') || !buckets) return;
    this.passes = new LeaderPass({
      databaseUrl: config.SKYPORT_DATABASE_URL,
      name: 'provisioner.vm-mount-keys',
      logger,
      checkIntervalMs: 5_000,
      intervalMs: () => Math.min(3_600_000, (buckets.vmMounts.credentials.lifetimeSeconds * 1000) / 4),
      pass: () => this.pass(),
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.passes?.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.passes?.stop();
  }

  /** One pass; returns the clusters whose keys were replaced, with how many mounts took them. */
  async pass(): Promise<Array<{ cluster: string; mounts: number }>> {
    if (!this.launcher || !this.buckets) return [];
    const rows: Array<{ name: string; task: TaskSpec | null }> = await this.db.query(`SELECT name, task FROM clusters WHERE status = $1 AND infra LIKE 'aws/%'`, [ClusterStatus.Up]);
    const out: Array<{ cluster: string; mounts: number }> = [];
    for (const row of rows) {
      if (!row.task?.fileMounts?.some(isBucketMount)) continue;
      try {
        const mounts = await vmBucketMountsOf(row.task, this.buckets, BucketGate.for(this.db, this.buckets, { clusterName: row.name }));
        out.push({ cluster: row.name, mounts: await this.launcher.rekeyBuckets(row.name, mounts) });
      } catch (e) {
        // Retried next pass; the keys on the VMs are good until they expire.
        this.logger.warn({ cluster: row.name, err: e instanceof Error ? e.message : String(e) }, 'VM mount keys not refreshed');
      }
    }
    return out;
  }
}
