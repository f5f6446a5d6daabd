import { ErrorCode, SkyportError } from '@skyport/contracts';
import type { TaskSpec } from '@skyport/task-spec';
import { bucketVolumesOf, type BucketVolume } from './bucket-mounts';
import type { BucketGate } from './bucket-gate';
import type { S3Buckets, VmMountAccess } from './s3-buckets';
import type { ScopedS3Keys } from './scoped-s3-credentials';

/** One MOUNT/MOUNT_CACHED bucket of a VM cluster, with the keys its rclone mounts it with. */
export interface VmBucketMount extends BucketVolume {
  /** rclone's config, temporary keys included: written to a root-only file on the VM, never in an argv or environment. */
  rcloneConfig: string;
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
    out.push({ ...v, rcloneConfig: rcloneConfigOf(access, keys), expiresAt: keys.expiresAt });
  }
  return out;
}

/** The `sky` remote of rclone's config: S3 at the server's endpoint, with the mount's temporary keys only. */
export function rcloneConfigOf(access: Omit<VmMountAccess, 'credentials'>, keys: ScopedS3Keys): string {
  const lines = [
    '[sky]',
    'type = s3',
    `provider = ${access.endpoint ? 'Other' : 'AWS'}`,
    // Nothing from the VM's own environment, profile or instance role: these keys and no others.
    'env_auth = false',
    `access_key_id = ${keys.accessKeyId}`,
    `secret_access_key = ${keys.secretAccessKey}`,
    `session_token = ${keys.sessionToken}`,
    `region = ${access.region}`,
    ...(access.endpoint ? [`endpoint = ${access.endpoint}`] : []),
    `force_path_style = ${access.forcePathStyle}`,
  ];
  if (lines.some((l) => /[\r\n]/.test(l))) throw new SkyportError(ErrorCode.Internal, 'an S3 setting for a VM mount contains a line break', { kind: 'mount-config' });
  return `${lines.join('\n')}\n`;
}
