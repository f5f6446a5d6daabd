import { posix } from 'node:path';
import type { DataSource } from 'typeorm';
import { ErrorCode, SkyportError, parseBlobRef } from '@skyport/contracts';
import { StorageEntity, type BlobReader } from '@skyport/persistence';
import { isS3Source, parseS3Url, type FileMount, type TaskSpec } from '@skyport/task-spec';
import type { S3Buckets } from './s3-buckets';

/** The cluster's owner and team: a bucket this launch creates is theirs (team-scoped like the cluster). */
async function ownerOf(db: DataSource, clusterName: string): Promise<{ owner: string; team: string | null }> {
  const rows: Array<{ owner: string; team: string | null }> = await db.query(
    `SELECT c.owner, u.team FROM clusters c LEFT JOIN users u ON u.id::text = c.owner WHERE c.name = $1`,
    [clusterName],
  );
  return rows[0] ?? { owner: '', team: null };
}

/**
 * Named storage before the nodes' copies (SkyPilot's `{name, source, store: s3, mode: COPY, persistent}`): the
 * bucket is created when missing and recorded as Skyport's (deleted with the cluster unless `persistent`, which
 * defaults to true as in SkyPilot), then the uploaded `source` is synced into it. A bucket Skyport recorded for
 * another team is refused; a bucket Skyport did not create is used as it is and never recorded or deleted.
 */
export async function prepareNamedBuckets(db: DataSource, reader: BlobReader, buckets: S3Buckets | undefined, task: TaskSpec, clusterName: string): Promise<void> {
  const named = task.fileMounts.filter((m): m is FileMount & { storage: { name: string } } => Boolean(m.storage?.name));
  const byUrl = task.fileMounts.filter((m) => isS3Source(m.source));
  if (named.length === 0 && byUrl.length === 0) return;
  const who = await ownerOf(db, clusterName);
  // A bucket Skyport recorded for another team is theirs whichever way a mount names it: by name or by s3:// URL.
  for (const mount of byUrl) await refuseOtherTeams(db, who, parseS3Url(mount.source!).bucket, mount.target);
  if (named.length === 0) return;
  if (!buckets) {
    throw new SkyportError(ErrorCode.ProviderUnavailable, `file_mounts '${named[0]!.target}': this provisioner has no S3 store configured for named storage`, { kind: 's3-not-configured' });
  }
  for (const mount of named) {
    const name = mount.storage.name;
    const label = mount.target;
    const known = await refuseOtherTeams(db, who, name, label);
    if (known?.status === 'DELETING') {
      throw new SkyportError(ErrorCode.Conflict, `file_mounts '${label}': storage '${name}' is being deleted; launch again once 'skyport storage ls' no longer lists it`, { kind: 'storage-deleting', name });
    }
    if (await buckets.admin.ensure(name, label)) {
      await db.query(
        `INSERT INTO storage (name, store, source, persistent, cluster_name, status, team, owner) VALUES ($1, 's3', $2, $3, $4, 'READY', $5, $6) ON CONFLICT (name) DO NOTHING`,
        [name, mount.source ?? null, mount.storage.persistent ?? true, clusterName, who.team, who.owner],
      );
    }
    const digest = mount.source ? parseBlobRef(mount.source) : undefined;
    if (digest) await syncInto(reader, buckets, name, digest, label, mount.target);
  }
}

/** The storage row of `name` when it is the caller's team's (or unrecorded: undefined); another team's is refused. */
async function refuseOtherTeams(db: DataSource, who: { owner: string; team: string | null }, name: string, label: string): Promise<StorageEntity | null> {
  const known = await db.manager.findOneBy(StorageEntity, { name });
  if (known && (known.team ?? `user:${known.owner}`) !== (who.team ?? `user:${who.owner}`)) {
    throw new SkyportError(ErrorCode.Forbidden, `file_mounts '${label}': storage '${name}' belongs to another team; choose another bucket name`, { kind: 'storage-other-team', name });
  }
  return known;
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
