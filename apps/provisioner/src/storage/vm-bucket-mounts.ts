import { ErrorCode, SkyportError } from '@skyport/contracts';
import type { TaskSpec } from '@skyport/task-spec';
import { bucketVolumesOf, type BucketVolume } from './bucket-mounts';
import type { BucketGate } from './bucket-gate';
import type { S3Buckets, VmMountAccess } from './s3-buckets';
import type { ScopedS3Keys } from './scoped-s3-credentials';

/** One MOUNT/MOUNT_CACHED bucket of a VM cluster, with the keys its rclone mounts it with. */
export interface VmBucketMount extends BucketVolume {
  /** rclone's config: the endpoint, no keys. */
  rcloneConfig: string;
  /**
   * The temporary keys as AWS's `credential_process` output: a root-only file on the VM (never an argv or an
   * environment) that rclone's SDK reads at start and again when the keys it holds expire, so the provisioner
   * refreshes a mount by rewriting the file (vm-mount-refresher.service.ts).
   */
  keysJson: string;
  expiresAt: Date;
}

/**
 * The task's mounted buckets for AWS burst VMs: each checked by `gate` first (the allow-list and the team's buckets,
 * read-only where it is not the caller's own, as on Kubernetes), then given keys STS scoped to that bucket and prefix
 * (read-only keys for a read-only mount). Nothing is minted for a bucket the caller may not read.
 */
export async function vmBucketMountsOf(task: TaskSpec, buckets: S3Buckets | undefined, gate: Pick<BucketGate, 'read' | 'callerOf' | 'clusterName'>): Promise<VmBucketMount[]> {
  const volumes = await bucketVolumesOf(task, gate);
  if (volumes.length === 0) return [];
  if (!buckets) {
    throw new SkyportError(ErrorCode.ProviderUnavailable, `file_mounts '${volumes[0]!.mountPath}': this provisioner mounts no buckets (S3 is not configured)`, { kind: 's3-not-configured' });
  }
  const access = buckets.vmMounts;
  const out: VmBucketMount[] = [];
  for (const v of volumes) {
    const keys = await access.credentials.mint(v, { clusterName: gate.clusterName, label: v.mountPath });
    out.push({ ...v, rcloneConfig: rcloneConfigOf(access), keysJson: keysJsonOf(keys), expiresAt: keys.expiresAt });
  }
  return out;
}

/** `credential_process` output (AWS's format, Version 1) of the mount's temporary keys. */
export function keysJsonOf(keys: ScopedS3Keys): string {
  return JSON.stringify({ Version: 1, AccessKeyId: keys.accessKeyId, SecretAccessKey: keys.secretAccessKey, SessionToken: keys.sessionToken, Expiration: keys.expiresAt.toISOString() });
}

/**
 * The `sky` remote of rclone's config: S3 at the server's endpoint. The keys come through the SDK's chain
 * (`env_auth`), which on the VM holds only the mount's keys file: rclone runs with an empty environment but for
 * AWS_CONFIG_FILE (a `credential_process` reading that file) and the instance metadata disabled (cloud/vm-rclone.ts).
 */
export function rcloneConfigOf(access: Omit<VmMountAccess, 'credentials'>): string {
  const lines = [
    '[sky]',
    'type = s3',
    `provider = ${access.endpoint ? 'Other' : 'AWS'}`,
    'env_auth = true',
    `region = ${access.region}`,
    ...(access.endpoint ? [`endpoint = ${access.endpoint}`] : []),
    `force_path_style = ${access.forcePathStyle}`,
  ];
  if (lines.some((l) => /[\r\n]/.test(l))) throw new SkyportError(ErrorCode.Internal, 'an S3 setting for a VM mount contains a line break', { kind: 'mount-config' });
  return `${lines.join('\n')}\n`;
}
