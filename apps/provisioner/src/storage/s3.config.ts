import type { S3ClientConfig } from '@aws-sdk/client-s3';
import { externalBucketsConfigShape, type ExternalBuckets } from '@skyport/config';
import { z } from '@skyport/service-kit';

/**
 * Buckets in `file_mounts` (s3://…): where the provisioner reads them. Spread into the provisioner's schema like
 * cloud/cloud.config.ts. Credentials follow the cloud burst path: absent SKYPORT_S3_ACCESS_KEY_ID, the AWS SDK's
 * default chain reads them (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE, a workload identity) — the chart's
 * `cloud.aws.credentialsSecret` gives the provisioner those variables from a Secret the admin names.
 */
export const storageConfigShape = {
  /** An S3-compatible endpoint (MinIO, R2's S3 API, Ceph, moto in tests) instead of AWS's regional one. */
  SKYPORT_S3_ENDPOINT: z.string().url().optional(),
  SKYPORT_S3_REGION: z.string().min(1).default('us-east-1'),
  /** Path-style URLs (http://host/bucket/key): the default with an endpoint, as most S3-compatible servers need. */
  SKYPORT_S3_FORCE_PATH_STYLE: z.enum(['true', 'false', '1', '0']).optional(),
  /** Keys for buckets only, when they differ from the ones the SDK's chain finds (e.g. an R2 or MinIO key). */
  SKYPORT_S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  SKYPORT_S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  /**
   * Largest bucket COPY of one launch (all its bucket mounts together): the archives are held in the provisioner's
   * memory until every node has them, so raise the provisioner's memory limit with it.
   */
  SKYPORT_S3_COPY_MAX_BYTES: z.coerce.number().int().positive().default(256 * 1024 ** 2),
  /** Buckets Skyport did not create that teams may read (the api checks the same list): SKYPORT_S3_EXTERNAL_BUCKETS. */
  ...externalBucketsConfigShape,
};

export const storageConfigSchema = z.object(storageConfigShape);
export type StorageConfig = z.infer<typeof storageConfigSchema>;

export interface S3BucketsOptions {
  client: S3ClientConfig;
  /** Largest COPY per mount, in bytes. */
  maxCopyBytes: number;
  /** Buckets Skyport did not create that teams may read; none when absent (admins read any). */
  externalBuckets?: ExternalBuckets;
}

export function s3BucketsOptions(config: StorageConfig): S3BucketsOptions {
  const pathStyle = config.SKYPORT_S3_FORCE_PATH_STYLE;
  const client: S3ClientConfig = {
    region: config.SKYPORT_S3_REGION,
    forcePathStyle: pathStyle === undefined ? config.SKYPORT_S3_ENDPOINT !== undefined : pathStyle === 'true' || pathStyle === '1',
  };
  if (config.SKYPORT_S3_ENDPOINT) client.endpoint = config.SKYPORT_S3_ENDPOINT;
  if (config.SKYPORT_S3_ACCESS_KEY_ID && config.SKYPORT_S3_SECRET_ACCESS_KEY) {
    client.credentials = { accessKeyId: config.SKYPORT_S3_ACCESS_KEY_ID, secretAccessKey: config.SKYPORT_S3_SECRET_ACCESS_KEY };
  }
  return { client, maxCopyBytes: config.SKYPORT_S3_COPY_MAX_BYTES, externalBuckets: config.SKYPORT_S3_EXTERNAL_BUCKETS };
}
