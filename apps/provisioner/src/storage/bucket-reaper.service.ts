import { Inject, Injectable, Module, Optional, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SERVICE_LOGGER, runPeriodically, type Logger, type Periodic } from '@skyport/service-kit';
import { KubeProvisionModule } from '../provision/kube-provision.module';
import { S3_BUCKETS } from './s3-buckets.provider';
import type { S3Buckets } from './s3-buckets';

const INTERVAL_MS = 5_000;

/**
 * Deletes the buckets Skyport created that should go: those `skyport storage delete` marked DELETING, and those
 * with `persistent: false` whose cluster is gone (TERMINATED, FAILED or no longer recorded) and that no other live
 * cluster mounts. Here because the S3 credentials are here; the row goes once the bucket is gone, so a failed pass
 * is retried.
 */
@Injectable()
export class BucketReaper implements OnApplicationBootstrap, OnApplicationShutdown {
  private periodic?: Periodic;

  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
    @Optional() @Inject(S3_BUCKETS) private readonly buckets?: S3Buckets,
  ) {}

  onApplicationBootstrap(): void {
    this.periodic = runPeriodically(
      () => this.pass(),
      () => INTERVAL_MS,
      (e) => this.logger.warn({ err: e instanceof Error ? e.message : String(e) }, 'bucket reaper pass failed'),
    );
  }

  onApplicationShutdown(): void {
    this.periodic?.stop();
  }

  /** One pass; answers the names deleted. */
  async pass(): Promise<string[]> {
    if (!this.buckets) return [];
    const rows: Array<{ name: string }> = await this.db.query(
      `SELECT s.name FROM storage s
       WHERE s.status = 'DELETING'
          OR (NOT s.persistent AND NOT EXISTS (SELECT 1 FROM clusters c WHERE c.name = s.cluster_name AND c.status NOT IN ('TERMINATED', 'FAILED'))
              -- Another live cluster that mounts it keeps it until that one goes too.
              AND NOT EXISTS (SELECT 1 FROM clusters c WHERE c.status NOT IN ('TERMINATED', 'FAILED') AND jsonb_typeof(c.task->'fileMounts') = 'array'
                              AND EXISTS (SELECT 1 FROM jsonb_array_elements(c.task->'fileMounts') m WHERE m->'storage'->>'name' = s.name OR m->>'source' = 's3://' || s.name OR m->>'source' LIKE 's3://' || s.name || '/%')))
       ORDER BY s.name LIMIT 100`,
    );
    const deleted: string[] = [];
    for (const { name } of rows) {
      try {
        await this.buckets.admin.remove(name);
        await this.db.query(`DELETE FROM storage WHERE name = $1`, [name]);
        deleted.push(name);
        this.logger.info({ storage: name }, 'deleted a bucket Skyport created');
      } catch (err) {
        this.logger.warn({ storage: name, err: err instanceof Error ? err.message : String(err) }, 'could not delete a bucket; retrying next pass');
      }
    }
    return deleted;
  }
}

@Module({ imports: [KubeProvisionModule], providers: [BucketReaper] })
export class BucketReaperModule {}
