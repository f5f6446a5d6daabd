import { posix } from 'node:path';
import type { DataSource } from 'typeorm';
import { ErrorCode, SkyportError, parseBlobRef } from '@skyport/contracts';
import type { BlobReader } from '@skyport/persistence';
import { isS3Source, parseS3Url, type FileMount, type TaskSpec } from '@skyport/task-spec';
import type { S3Buckets } from './s3-buckets';
import type { BucketGate } from './bucket-gate';

/**
 * Named storage before the nodes' copies (SkyPilot's `{name, source, store: s3, mode: COPY, persistent}`): the
 * bucket is created when missing and recorded as Skyport's (deleted with the cluster unless `persistent`, which
 * defaults to true as in SkyPilot), then the uploaded `source` is synced into it. A bucket Skyport recorded for
 * another team is refused. One that already existed and Skyport did not record is not Skyport's: it is read only
 * where the admin's allow-list lets the caller (bucket-gate.ts), and never synced into, recorded or deleted.
 */
export async function prepareNamedBuckets(db: DataSource, reader: BlobReader, buckets: S3Buckets | undefined, task: TaskSpec, gate: BucketGate): Promise<void> {
  const named = task.fileMounts.filter((m): m is FileMount & { storage: { name: string } } => Boolean(m.storage?.name));
  // By s3:// URL: the caller's team's recorded bucket, or one on the allow-list (refused here before any bucket is made).
  for (const mount of task.fileMounts.filter((m) => isS3Source(m.source))) await gate.read(parseS3Url(mount.source!).bucket, mount.target);
  if (named.length === 0) return;
  if (!buckets) {
    throw new SkyportError(ErrorCode.ProviderUnavailable, `file_mounts '${named[0]!.target}': this provisioner has no S3 store configured for named storage`, { kind: 's3-not-configured' });
  }
  for (const mount of named) {
    const name = mount.storage.name;
    const label = mount.target;
    const known = await gate.name(name, label);
    if (known?.status === 'DELETING') {
      throw new SkyportError(ErrorCode.Conflict, `file_mounts '${label}': storage '${name}' is being deleted; launch again once 'skyport storage ls' no longer lists it`, { kind: 'storage-deleting', name });
    }
    if (await buckets.admin.ensure(name, label)) {
      const who = await gate.callerOf();
      await db.query(
        `INSERT INTO storage (name, store, source, persistent, cluster_name, status, team, owner) VALUES ($1, 's3', $2, $3, $4, 'READY', $5, $6) ON CONFLICT (name) DO NOTHING`,
        [name, mount.source ?? null, mount.storage.persistent ?? true, gate.clusterName, who.team, who.userId],
      );
    } else if (!known && !(await gate.read(name, label)) && mount.source) {
      // It existed and is not Skyport's (a launch of the caller's team that just made it would have recorded it).
      throw new SkyportError(
        ErrorCode.Forbidden,
        `file_mounts '${label}': bucket '${name}' already exists and was not created by Skyport, which never writes into such a bucket; drop 'source' to read it as it is, or choose another name`,
        { kind: 'bucket-external-readonly', bucket: name },
      );
    }
    const digest = mount.source ? parseBlobRef(mount.source) : undefined;
    if (digest) await syncInto(reader, buckets, name, digest, label, mount.target);
  }
}

/** The uploaded tree's files as objects (keys relative to the source directory; a single file by its name). */
async function syncInto(reader: BlobReader, buckets: S3Buckets, bucket: string, digest: string, label: string, target: string): Promise<void> {
  const manifest = await reader.manifest(digest);
  for (const e of manifest.entries) {
    if (e.type !== 'file') continue;
    const key = e.path === '' ? posix.basename(target.replace(/\/+$/, '')) : e.path;
    const body = Buffer.concat(await Promise.all((e.chunks ?? []).map((c) => reader.chunk(c))));
    await buckets.admin.put(bucket, key, body, label);
  }
}
