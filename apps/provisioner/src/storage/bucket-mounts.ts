import { ErrorCode, SkyportError, isSkyportError } from '@skyport/contracts';
import { kubeCall, type KubeClients, type V1CSINode } from '@skyport/kube';
import { isBucketMount, isS3Source, parseS3Url, type FileMount, type TaskSpec } from '@skyport/task-spec';
import type { BucketGate } from './bucket-gate';

/** The CSI driver that mounts buckets on the nodes (test/cluster/node-tools/s3-mount; docs/storage.md). */
export const S3_MOUNT_DRIVER = 's3.csi.skyport.dev';

/** One MOUNT/MOUNT_CACHED bucket as a pod volume: the driver's volume attributes and where the task sees it. */
export interface BucketVolume {
  mountPath: string;
  bucket: string;
  prefix: string;
  mode: 'MOUNT' | 'MOUNT_CACHED';
  /**
   * A bucket Skyport did not record for the caller's team, read through the admin's allow-list
   * (SKYPORT_S3_EXTERNAL_BUCKETS), is mounted read-only; the team's own buckets, and any bucket for an admin, read-write.
   */
  readOnly: boolean;
}

/** The bucket a mount-mode storage object names: its `s3://` source, else its named bucket (synced from `source`). */
function mountedUrlOf(mount: FileMount): string | undefined {
  if (isS3Source(mount.source)) return mount.source;
  if (mount.storage?.name) return `s3://${mount.storage.name}`;
  return undefined;
}

/** The task's mounted buckets, each checked (and made read-only where it is not the caller's team's) by `gate`. */
export async function bucketVolumesOf(task: TaskSpec, gate: Pick<BucketGate, 'read' | 'callerOf'>): Promise<BucketVolume[]> {
  const out: BucketVolume[] = [];
  for (const mount of task.fileMounts.filter(isBucketMount)) {
    const url = mountedUrlOf(mount);
    if (!url) continue; // bucketCopiesOf refuses it, naming the source
    if (!mount.target.startsWith('/')) {
      throw new SkyportError(ErrorCode.InvalidTask, `file_mounts '${mount.target}': mode ${mount.storage?.mode ?? 'MOUNT'} mounts the bucket at an absolute path; write an absolute target or use mode: COPY`, {
        kind: 'mount-target-home',
      });
    }
    const { bucket, prefix } = parseS3Url(url);
    const row = await gate.read(bucket, mount.target);
    const readOnly = !row && !(await gate.callerOf()).admin;
    out.push({ mountPath: mount.target, bucket, prefix, mode: mount.storage?.mode === 'MOUNT_CACHED' ? 'MOUNT_CACHED' : 'MOUNT', readOnly });
  }
  return out;
}

/**
 * Refuses, before anything is made, a context whose nodes lack the S3 mount driver: a pod naming it would wait in
 * ContainerCreating forever. The driver registers on each node (CSINode), so one node without it is enough to say no.
 */
export async function requireMountDriver(clients: Pick<KubeClients, 'storage' | 'context'>, context: string): Promise<void> {
  // Credentials that may not list CSINodes (the Helm chart's ClusterRole, which ships no driver either) see none.
  const list = await kubeCall({ verb: 'list', resource: 'csinodes', context }, () => clients.storage.listCSINode()).catch((err: unknown) => {
    if (isSkyportError(err) && err.code === ErrorCode.KubernetesForbidden) return { items: [] as V1CSINode[] };
    throw err;
  });
  const nodes = list.items.map((n) => ({ name: n.metadata?.name ?? '?', has: (n.spec?.drivers ?? []).some((d) => d.name === S3_MOUNT_DRIVER) }));
  const without = nodes.filter((n) => !n.has);
  if (nodes.length === 0 || without.length > 0) {
    // Unschedulable, not a task problem: another context of the plan may have the driver.
    throw new SkyportError(
      ErrorCode.Unschedulable,
      `file_mounts in mode MOUNT or MOUNT_CACHED need Skyport's S3 mount driver (${S3_MOUNT_DRIVER}) on every node of context '${context}'${
        without.length > 0 ? `; ${without.length} of ${nodes.length} nodes lack it (${without.slice(0, 3).map((n) => n.name).join(', ')}${without.length > 3 ? ', …' : ''})` : ''
      }: install the Skyport S3 mount driver on context ${context}, or use mode: COPY`,
      { kind: 'mount-driver-missing', reason: 'MountDriverMissing', context, driver: S3_MOUNT_DRIVER },
    );
  }
}
