import { ErrorCode, SkyportError } from '@skyport/contracts';
import { isBucketMount, isS3Source, parseS3Url, type FileMount, type TaskSpec } from '@skyport/task-spec';
import type { NodeCopy } from '../provision/blob-files';
import type { S3Buckets } from './s3-buckets';

/** What is checked right before each bucket is read (bucket-gate.ts): who may read it with the server's credentials. */
export interface BucketReadCheck {
  read(bucket: string, label: string): Promise<unknown>;
}

/** The bucket a COPY mount reads: its `s3://` source, or the named bucket when the mount names no source. */
export function bucketUrlOf(mount: FileMount): string | undefined {
  if (isS3Source(mount.source)) return mount.source;
  if (mount.source === undefined && mount.storage?.name) return `s3://${mount.storage.name}`;
  return undefined;
}

/**
 * The task's bucket mounts (COPY from S3) as archives for every node, read here with the server's credentials —
 * nothing about the bucket reaches the pods but its files. What validation let through only because a `$VAR`
 * was filled in later (or a task queued before validation refused it) is refused here, never skipped; so is a
 * bucket the caller may not read (another team's, or not on the admin's allow-list).
 */
export async function bucketCopiesOf(task: TaskSpec, buckets: S3Buckets | undefined, gate: BucketReadCheck, opts: BucketCopyOptions = {}): Promise<NodeCopy[]> {
  const copies: NodeCopy[] = [];
  // One budget for the launch: every archive is held in the provisioner's memory until the nodes have it.
  let left = buckets?.maxCopyBytes ?? 0;
  for (const mount of task.fileMounts) {
    const named = opts.namedFromBucket?.has(mount.target) ? mount.storage?.name : undefined;
    const url = bucketUrlOf(mount) ?? (named ? `s3://${named}` : undefined);
    refuseUnsupported(mount, url, opts);
    if (!url || isBucketMount(mount)) continue;
    if (!buckets) {
      throw new SkyportError(ErrorCode.ProviderUnavailable, `file_mounts '${mount.target}' (${url}): this provisioner reads no buckets (S3 is not configured)`, { kind: 's3-not-configured' });
    }
    // Again right before the download, whatever was checked before: the allow-list and the team's buckets.
    await gate.read(parseS3Url(url).bucket, mount.target);
    // A named bucket was made (empty) before the copy when it was missing: an empty one is no mistake.
    const { dir, archive } = await buckets.archiveFor(mount.target, url, mount.target, { allowEmpty: Boolean(mount.storage?.name), maxBytes: left });
    left -= archive.length;
    copies.push({ label: `${mount.target} (${url})`, dir, archive });
  }
  return copies;
}

export interface BucketCopyOptions {
  /** True for a launch on Kubernetes, where MOUNT/MOUNT_CACHED mounts are pod volumes (bucket-mounts.ts), not copies. */
  podVolumes?: boolean;
  /** True for a launch on cloud VMs, where they are rclone mounts on each VM (vm-bucket-mounts.ts). */
  vmMounts?: boolean;
  /** Targets of named storage filled from an uploaded directory: copied from their bucket, not from the upload. */
  namedFromBucket?: ReadonlySet<string>;
}

function refuseUnsupported(mount: FileMount, url: string | undefined, opts: BucketCopyOptions): void {
  const at = `file_mounts '${mount.target}'`;
  const store = mount.storage?.store;
  if (store !== undefined && store.toLowerCase() !== 's3') {
    throw new SkyportError(ErrorCode.InvalidTask, `${at}: store '${store}' is not supported by Skyport: use store: s3`, { kind: 'store-unsupported', store });
  }
  if (isBucketMount(mount) && !opts.podVolumes && !opts.vmMounts) {
    throw new SkyportError(
      ErrorCode.InvalidTask,
      `${at}: mode ${mount.storage?.mode ?? 'MOUNT'} mounts a bucket on a cluster's nodes when it is launched; it is not supported in an exec: use mode: COPY`,
      { kind: 'mode-unsupported' },
    );
  }
  if (mount.source && /^[a-z][a-z0-9+.-]*:\/\//i.test(mount.source) && !url && !mount.source.startsWith('skyport-blob://')) {
    throw new SkyportError(ErrorCode.InvalidTask, `${at}: '${mount.source}' is not supported by Skyport as a source: use s3://bucket[/prefix]`, { kind: 'source-unsupported' });
  }
}
