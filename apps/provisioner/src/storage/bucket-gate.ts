import type { DataSource } from 'typeorm';
import { checkBucketRead, checkStorageName, storageCallerOf, type ExternalBucketList, type StorageCaller, type StorageEntity } from '@skyport/persistence';
import type { S3Buckets } from './s3-buckets';

/**
 * The check before every bucket the provisioner touches for a cluster (launch, cloud VM copy, an exec's re-sync):
 * the api refused the same at admission, but a task queued before the admin changed SKYPORT_S3_EXTERNAL_BUCKETS, or
 * a bucket created outside Skyport since, is caught here, right before the server's credentials read it.
 */
export class BucketGate {
  private caller?: Promise<StorageCaller>;

  constructor(
    private readonly db: DataSource,
    private readonly external: ExternalBucketList,
    private readonly who: { clusterName: string; requestId?: string | null },
  ) {}

  static for(db: DataSource, buckets: S3Buckets | undefined, who: { clusterName: string; requestId?: string | null }): BucketGate {
    return new BucketGate(db, buckets?.externalBuckets ?? { allows: () => false }, who);
  }

  get clusterName(): string {
    return this.who.clusterName;
  }

  /** The request's owner (an exec's caller), else the cluster's; read once, when a mount names a bucket. */
  callerOf(): Promise<StorageCaller> {
    this.caller ??= storageCallerOf(this.db.manager, this.who.clusterName, this.who.requestId);
    return this.caller;
  }

  /** Refuses a bucket the caller may not read; its row when Skyport recorded it for the caller's team. */
  async read(bucket: string, label: string): Promise<StorageEntity | undefined> {
    return checkBucketRead(this.db.manager, await this.callerOf(), bucket, this.external, label);
  }

  /** Refuses another team's named storage; its row when it is the caller's. */
  async name(name: string, label: string): Promise<StorageEntity | undefined> {
    return checkStorageName(this.db.manager, await this.callerOf(), name, label);
  }
}
