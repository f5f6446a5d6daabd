import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { checkBucketRead, checkStorageName, type StorageCaller } from '@skyport/persistence';
import { SERVICE_CONFIG } from '@skyport/service-kit';
import { isS3Source, parseS3Url, type TaskSpec } from '@skyport/task-spec';
import type { ApiConfig } from '../config';
import type { Principal } from '../auth/principal';

/**
 * The buckets a task mounts, checked before anything is written (launch, exec, managed `jobs launch`): the server's
 * S3 credentials read a bucket for the caller only when Skyport recorded it for the caller's team, or the admin's
 * SKYPORT_S3_EXTERNAL_BUCKETS lets the caller's team read it (admins read any). A named bucket (`{name: …}`) that
 * Skyport has not recorded may be one the launch creates: whether it already exists is known only where the S3
 * credentials are, so the provisioner decides it (and checks everything again right before each download).
 */
@Injectable()
export class LaunchBuckets {
  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(SERVICE_CONFIG) private readonly config: ApiConfig,
  ) {}

  async check(principal: Principal, task: TaskSpec): Promise<void> {
    const caller: StorageCaller = { userId: principal.userId, team: principal.team, admin: principal.role === 'admin' };
    for (const mount of task.fileMounts) {
      if (isS3Source(mount.source)) await checkBucketRead(this.db.manager, caller, parseS3Url(mount.source!).bucket, this.config.SKYPORT_S3_EXTERNAL_BUCKETS, mount.target);
      else if (mount.storage?.name) await checkStorageName(this.db.manager, caller, mount.storage.name, mount.target);
    }
  }
}
