import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { pack as tarPack } from 'tar-stream';
import { ErrorCode, SkyportError, isUrlSource, parseBlobRef, type BlobManifest } from '@skyport/contracts';
import type { BlobReader } from '@skyport/persistence';
import { isBucketMount, type TaskSpec } from '@skyport/task-spec';
import { bucketCopiesOf, type BucketCopyOptions, type BucketReadCheck } from '../storage/bucket-copies';
import type { S3Buckets } from '../storage/s3-buckets';

/** One uploaded tree to put on every node: a tar built from the blob store, extracted into `dir`. */
export interface NodeCopy {
  /** `workdir` or the file_mounts target, for messages. */
  label: string;
  /** Where the archive is extracted: `~/…` (the login's home), relative (also under home) or absolute. */
  dir: string;
  archive: Buffer;
}

/**
 * The uploads of a task (`skyport-blob://` refs, which the api checked) and where they land: the workdir in
 * `~/sky_workdir`, a file_mount at its target (relative targets under home). Bucket URLs are not copied here.
 * Anything else would be a path on some machine: never opened, refused.
 */
export function uploadsOf(task: TaskSpec): Array<{ label: string; digest: string; target: string }> {
  const out: Array<{ label: string; digest: string; target: string }> = [];
  if (typeof task.workdir === 'string') out.push({ label: 'workdir', digest: refOrRefuse(task.workdir, 'workdir'), target: '~/sky_workdir' });
  for (const m of task.fileMounts) {
    // A mounted bucket (MOUNT/MOUNT_CACHED) holds its synced source already: the pods see it through the volume.
    if (!m.source || (isUrlSource(m.source) && !parseBlobRef(m.source)) || isBucketMount(m)) continue;
    out.push({ label: m.target, digest: refOrRefuse(m.source, `file_mounts '${m.target}'`), target: m.target });
  }
  return out;
}

function refOrRefuse(value: string, what: string): string {
  const digest = parseBlobRef(value);
  if (!digest) throw new SkyportError(ErrorCode.InvalidTask, `${what} names '${value}', a local path: launch with the skyport CLI or libs/client, which upload it.`, { kind: 'local-path' });
  return digest;
}

/**
 * The tars of a task's uploads, built once per launch/sync and sent to every node; then its S3 COPY mounts, read
 * with the server's credentials (`buckets`), after the uploads so a bucket lands over nothing it would hide; each
 * bucket only once `gate` has let the cluster's caller read it.
 */
export async function nodeCopiesOf(reader: BlobReader, task: TaskSpec, buckets: S3Buckets | undefined, gate: BucketReadCheck, opts: BucketCopyOptions = {}): Promise<NodeCopy[]> {
  // A chunk shared by many files (or mounts) is read once; every chunk ends up in an archive anyway.
  const read = new Map<string, Promise<Buffer>>();
  const chunks = {
    chunk: (digest: string) => {
      if (!read.has(digest)) read.set(digest, reader.chunk(digest));
      return read.get(digest)!;
    },
  };
  const copies: NodeCopy[] = [];
  // Named storage filled from an uploaded directory reaches the nodes from its bucket, as in SkyPilot (source →
  // bucket → nodes): the nodes then also get what others wrote there (a MOUNT of it elsewhere), and a re-sync
  // brings those writes. prepareNamedBuckets synced the upload into the bucket before this.
  const fromBucket = new Set<string>();
  for (const u of uploadsOf(task)) {
    const manifest = await reader.manifest(u.digest);
    const target = u.target.replace(/\/+$/, '') || '/';
    if (manifest.kind === 'dir' && task.fileMounts.some((m) => m.target === u.target && m.storage?.name)) {
      fromBucket.add(u.target);
      continue;
    }
    if (manifest.kind === 'file') {
      copies.push({ label: u.label, dir: posix.dirname(target), archive: await archiveOf(chunks, manifest, posix.basename(target)) });
    } else {
      copies.push({ label: u.label, dir: target, archive: await archiveOf(chunks, manifest) });
    }
  }
  copies.push(...(await bucketCopiesOf(task, buckets, gate, { ...opts, namedFromBucket: fromBucket })));
  return copies;
}

/** A tar of the manifest's entries (a single-file manifest's one entry is named `fileName`), content checked. */
export async function archiveOf(reader: Pick<BlobReader, 'chunk'>, manifest: BlobManifest, fileName?: string): Promise<Buffer> {
  const pack = tarPack();
  const parts: Buffer[] = [];
  pack.on('data', (d: unknown) => parts.push(d as Buffer));
  const ended = new Promise<void>((resolve, reject) => {
    pack.on('end', () => resolve());
    pack.on('error', reject);
  });
  const add = (header: Parameters<typeof pack.entry>[0], body?: Buffer) =>
    new Promise<void>((resolve, reject) => {
      pack.entry(header, body ?? Buffer.alloc(0), (err?: Error | null) => (err ? reject(err) : resolve()));
    });
  for (const e of manifest.entries) {
    const name = e.path === '' ? (fileName ?? 'file') : e.path;
    if (e.type === 'dir') await add({ name, type: 'directory', mode: e.mode });
    else if (e.type === 'symlink') await add({ name, type: 'symlink', linkname: e.target ?? '', mode: 0o777 });
    else {
      const data = Buffer.concat(await Promise.all((e.chunks ?? []).map((c) => reader.chunk(c))));
      if (data.length !== (e.size ?? 0) || createHash('sha256').update(data).digest('hex') !== e.sha256) {
        throw new SkyportError(ErrorCode.Internal, `The uploaded file ${name} does not match its manifest in the blob store; launch again to upload it.`, { path: name });
      }
      await add({ name, type: 'file', mode: e.mode, size: data.length }, data);
    }
  }
  pack.finalize();
  await ended;
  return Buffer.concat(parts);
}

/**
 * sh script extracting a sized archive from stdin into "$1" (`~`/`~/x` under $HOME, relative paths under $HOME
 * too). The size is read with `head -c`, so it ends where the end of stdin is not forwarded. `-p` keeps modes.
 */
export const EXTRACT_SCRIPT =
  'd="$1"; case "$d" in "~") d="$HOME";; "~/"*) d="$HOME/${d#\\~/}";; /*) ;; *) d="$HOME/$d";; esac; ' +
  'mkdir -p -- "$d" && head -c "$2" | tar -x -p -f - -C "$d" --no-same-owner';

/**
 * The same for a cloud VM, whose commands start in the node's directory (the login's home on a real VM; a
 * per-node directory on the test VMs, whose $HOME is the machine's): home-relative targets land there.
 */
export const VM_EXTRACT_SCRIPT =
  'd="$1"; case "$d" in "~") d=".";; "~/"*) d="${d#\\~/}";; esac; ' + 'mkdir -p -- "$d" && head -c "$2" | tar -x -p -f - -C "$d" --no-same-owner';

/** Runs the extraction on one node through its exec (a pod's or a VM's); a failure names the node and the copy. */
export async function copyToNode(
  node: { label: string; exec(argv: string[], opts: { stdin?: Buffer; timeoutMs?: number }): Promise<{ exitCode: number; stderr: string }> },
  copy: NodeCopy,
  script = EXTRACT_SCRIPT,
): Promise<void> {
  const r = await node.exec(['sh', '-c', script, 'sh', copy.dir, String(copy.archive.length)], { stdin: copy.archive, timeoutMs: 10 * 60_000 });
  if (r.exitCode !== 0) {
    throw new SkyportError(ErrorCode.Internal, `Copying the uploaded ${copy.label} onto ${node.label} failed (tar exited ${r.exitCode}): ${r.stderr.trim().split('\n')[0] ?? ''}`, {
      kind: 'upload-failed',
      exitCode: r.exitCode,
    });
  }
}
