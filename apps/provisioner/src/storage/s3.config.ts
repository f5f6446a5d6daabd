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
  /**
   * MOUNT on AWS burst VMs (docs/storage.md): the STS endpoint that mints each mount's scoped, temporary keys —
   * by default SKYPORT_S3_ENDPOINT when set (MinIO and moto serve STS there), else AWS's regional STS.
   */
  SKYPORT_S3_STS_ENDPOINT: z.string().url().optional(),
  /** A role the server's credentials may assume (AssumeRole with a session policy); without it, GetFederationToken. */
  SKYPORT_S3_VM_MOUNT_ROLE_ARN: z.string().regex(/^arn:[a-z-]+:iam::\d{12}:role\/.+$/, 'an IAM role ARN (arn:aws:iam::123456789012:role/name)').optional(),
  /** How long a VM's mount keys live (GetFederationToken: 900 s to 36 h; AssumeRole: up to the role's maximum). */
  SKYPORT_S3_VM_MOUNT_SECONDS: z.coerce.number().int().min(900).max(129_600).default(12 * 3600),
};

export const storageConfigSchema = z.object(storageConfigShape);
export type StorageConfig = z.infer<typeof storageConfigSchema>;

export interface S3BucketsOptions {
  client: S3ClientConfig;
  /** Largest COPY per mount, in bytes. */
  maxCopyBytes: number;
  /** Buckets Skyport did not create that teams may read; none when absent (admins read any). */
  externalBuckets?: ExternalBuckets;
  /** MOUNT on cloud VMs: how each mount's temporary keys are minted (scoped-s3-credentials.ts). */
  vmMounts?: VmMountSettings;
}

export interface VmMountSettings {
  stsEndpoint?: string;
  roleArn?: string;
  seconds: number;
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
  return {
    client,
    maxCopyBytes: config.SKYPORT_S3_COPY_MAX_BYTES,
    externalBuckets: config.SKYPORT_S3_EXTERNAL_BUCKETS,
    vmMounts: { stsEndpoint: config.SKYPORT_S3_STS_ENDPOINT ?? config.SKYPORT_S3_ENDPOINT, roleArn: config.SKYPORT_S3_VM_MOUNT_ROLE_ARN, seconds: config.SKYPORT_S3_VM_MOUNT_SECONDS },
  };
}
