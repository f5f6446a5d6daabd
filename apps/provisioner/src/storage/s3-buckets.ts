import { posix } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, S3Client, type _Object } from '@aws-sdk/client-s3';
import { ExternalBuckets } from '@skyport/config';
import { ErrorCode, SkyportError } from '@skyport/contracts';
import { parseS3Url } from '@skyport/task-spec';
import { pack as tarPack } from 'tar-stream';
import type { S3BucketsOptions } from './s3.config';
import { S3BucketAdmin } from './s3-bucket-admin';
import { ScopedS3Credentials } from './scoped-s3-credentials';
import { s3Error } from './s3-errors';

/** What a COPY mount of `s3://bucket[/prefix]` becomes: a tar to extract in `dir` on every node. */
export interface BucketArchive {
  /** The directory the archive is extracted into (the mount target, or its parent for a single object). */
  dir: string;
  archive: Buffer;
}

/** Reads buckets for `file_mounts` COPY: the objects under a prefix, as one tar. Credentials stay here. */
export class S3Buckets {
  private readonly s3: S3Client;
  private vm?: VmMountAccess;
  /** Named storage: buckets Skyport creates, fills and deletes. */
  readonly admin: S3BucketAdmin;

  constructor(private readonly options: S3BucketsOptions) {
    // An endpoint that does not answer fails the launch in bounded time instead of holding it.
    this.s3 = new S3Client({ maxAttempts: 3, requestHandler: { connectionTimeout: 10_000, requestTimeout: 120_000 }, ...options.client });
    this.admin = new S3BucketAdmin(this.s3);
  }

  /**
   * `s3://bucket/prefix` for the mount at `target`, as SkyPilot copies it: the objects under `prefix/` land under
   * `target` (keys relative to the prefix); a URL naming one object lands as the file `target`.
   */
  async archiveFor(label: string, url: string, target: string, opts: { allowEmpty?: boolean; maxBytes?: number } = {}): Promise<BucketArchive> {
    const { bucket, prefix } = parseS3Url(url);
    const where = { label, url, bucket };
    const objects = await this.list(bucket, prefix, where);
    const single = prefix !== '' && objects.length === 1 && objects[0]!.Key === prefix;
    const files = single
      ? [{ name: posix.basename(target.replace(/\/+$/, '')), key: prefix, size: objects[0]!.Size ?? 0 }]
      : objects
          .map((o) => ({ name: prefix ? o.Key!.slice(prefix.length + 1) : o.Key!, key: o.Key!, size: o.Size ?? 0 }))
          // "Directory" placeholder objects (`a/`) carry no file; a key escaping the target is never written.
          .filter((f) => f.name !== '' && !f.name.endsWith('/') && !f.name.split('/').includes('..'));
    if (!single && objects.length === 0 && !opts.allowEmpty) {
      throw new SkyportError(ErrorCode.InvalidTask, `file_mounts '${label}' (${url}): ${prefix ? `no objects under '${prefix}/' in` : 'no objects in'} bucket '${bucket}'`, {
        kind: 'bucket-prefix-missing',
        bucket,
      });
    }
    const total = files.reduce((n, f) => n + f.size, 0);
    const limit = Math.min(opts.maxBytes ?? Infinity, this.options.maxCopyBytes);
    if (total > limit) {
      throw new SkyportError(
        ErrorCode.InvalidTask,
        `file_mounts '${label}' (${url}): ${formatBytes(total)} in ${files.length} objects, above ${limit < this.options.maxCopyBytes ? `what is left of this server's COPY limit of ${formatBytes(this.options.maxCopyBytes)} per launch (the task's other bucket mounts use the rest)` : `this server's COPY limit of ${formatBytes(this.options.maxCopyBytes)}`} (SKYPORT_S3_COPY_MAX_BYTES); copy a narrower prefix`,
        { kind: 'bucket-too-large', bytes: total, limit },
      );
    }
    const dir = single ? posix.dirname(target.replace(/\/+$/, '')) || '/' : target;
    return { dir, archive: await this.tar(bucket, files, where) };
  }

  /** The admin's allow-list of buckets Skyport did not create (SKYPORT_S3_EXTERNAL_BUCKETS). */
  get externalBuckets(): ExternalBuckets {
    return this.options.externalBuckets ?? NO_EXTERNAL_BUCKETS;
  }

  /** MOUNT on cloud VMs: STS for each mount's scoped keys, and the endpoint the VM's rclone reaches the bucket at. */
  get vmMounts(): VmMountAccess {
    if (!this.vm) {
      const c = this.options.client;
      this.vm = {
        credentials: new ScopedS3Credentials(c, this.options.vmMounts ?? { seconds: 12 * 3600 }),
        endpoint: typeof c.endpoint === 'string' ? c.endpoint : undefined,
        region: typeof c.region === 'string' ? c.region : 'us-east-1',
        forcePathStyle: c.forcePathStyle === true,
      };
    }
    return this.vm;
  }

  /** The COPY limit of one launch (all its bucket mounts together). */
  get maxCopyBytes(): number {
    return this.options.maxCopyBytes;
  }

  destroy(): void {
    this.s3.destroy();
    this.vm?.credentials.destroy();
  }

  /** Every object under `prefix/` (or the object `prefix` itself), all pages. */
  private async list(bucket: string, prefix: string, where: { label: string; url: string; bucket: string }): Promise<_Object[]> {
    const out: _Object[] = [];
    let token: string | undefined;
    try {
      do {
        const page = await this.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix || undefined, ContinuationToken: token }));
        for (const o of page.Contents ?? []) {
          // `data` must not pick up `data-old/…`: only the key itself or keys below `data/`.
          if (!prefix || o.Key === prefix || o.Key?.startsWith(`${prefix}/`)) out.push(o);
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
    } catch (err) {
      throw s3Error(err, where);
    }
    return out;
  }

  private async tar(bucket: string, files: Array<{ name: string; key: string; size: number }>, where: { label: string; url: string; bucket: string }): Promise<Buffer> {
    const pack = tarPack();
    const parts: Buffer[] = [];
    pack.on('data', (d: unknown) => parts.push(d as Buffer));
    const ended = new Promise<void>((resolve, reject) => {
      pack.on('end', () => resolve());
      pack.on('error', reject);
    });
    for (const f of files) {
      let data: Buffer;
      try {
        const got = await this.s3.send(new GetObjectCommand({ Bucket: bucket, Key: f.key }));
        data = Buffer.from(await got.Body!.transformToByteArray());
      } catch (err) {
        throw s3Error(err, where);
      }
      await new Promise<void>((resolve, reject) => pack.entry({ name: f.name, type: 'file', mode: 0o644, size: data.length }, data, (e?: Error | null) => (e ? reject(e) : resolve())));
    }
    pack.finalize();
    await ended;
    return Buffer.concat(parts);
  }
}

export interface VmMountAccess {
  credentials: ScopedS3Credentials;
  /** SKYPORT_S3_ENDPOINT; absent for AWS's regional endpoint. */
  endpoint?: string;
  region: string;
  forcePathStyle: boolean;
}

const NO_EXTERNAL_BUCKETS = new ExternalBuckets();

function formatBytes(n: number): string {
  if (n >= 1024 ** 3) return `${(n / 1024 ** 3).toFixed(1)} GiB`;
  if (n >= 1024 ** 2) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${n} bytes`;
}
