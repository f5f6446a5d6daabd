import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import pRetry from 'p-retry';
import { BLOB_CHUNK_BYTES, ErrorCode, SkyportError, isUrlSource, parseBlobRef, type BlobLimits, type BlobManifest, type ManifestCreated } from '@skyport/contracts';
import { packPath, readChunk, type PackedTree } from './pack-tree';

/** The calls of SkyportClient an upload needs (a narrow seam for tests). */
export interface BlobApi {
  blobLimits(): Promise<BlobLimits>;
  missingBlobs(digests: string[]): Promise<{ missing: string[] }>;
  putBlob(digest: string, data: Uint8Array): Promise<unknown>;
  createManifest(manifest: BlobManifest): Promise<ManifestCreated>;
}

export interface UploadProgress {
  phase: 'packing' | 'checking' | 'uploading' | 'done';
  /** Bytes of every packed file. */
  totalBytes: number;
  /** Bytes the server did not have (what is sent). */
  bytesToSend: number;
  bytesSent: number;
}

export interface UploadOptions {
  /** Relative paths resolve against this directory (the task file's). */
  baseDir: string;
  /** `~` in paths (default: the user's home). */
  home?: string;
  concurrency?: number;
  onProgress?: (p: UploadProgress) => void;
}

export interface UploadedMount {
  /** `workdir`, or the file_mounts target. */
  target: string;
  /** The local path as written in the task, and as resolved. */
  source: string;
  localPath: string;
  ref: string;
  files: number;
  bytes: number;
}

export interface UploadSummary {
  mounts: UploadedMount[];
  totalBytes: number;
  /** Bytes and chunks actually sent (the rest the server already had: a second launch of the same files sends 0). */
  bytesSent: number;
  chunksSent: number;
  chunksReused: number;
}

type RawTask = Record<string, unknown>;

interface LocalSource {
  target: string;
  source: string;
  localPath: string;
  set: (ref: string) => void;
}

function expand(path: string, baseDir: string, home: string): string {
  if (path === '~') return home;
  if (path.startsWith('~/')) return join(home, path.slice(2));
  return isAbsolute(path) ? path : resolve(baseDir, path);
}

/** The task's local paths (workdir and file_mounts sources that are neither URLs nor uploads already). */
function localSources(task: RawTask, baseDir: string, home: string): LocalSource[] {
  const out: LocalSource[] = [];
  const isLocal = (v: unknown): v is string => typeof v === 'string' && v !== '' && !isUrlSource(v) && parseBlobRef(v) === undefined;
  if (isLocal(task.workdir)) out.push({ target: 'workdir', source: task.workdir, localPath: expand(task.workdir, baseDir, home), set: (ref) => (task.workdir = ref) });
  const mounts = task.file_mounts;
  if (mounts && typeof mounts === 'object' && !Array.isArray(mounts)) {
    for (const [target, spec] of Object.entries(mounts as Record<string, unknown>)) {
      if (isLocal(spec)) {
        out.push({ target, source: spec, localPath: expand(spec, baseDir, home), set: (ref) => ((mounts as RawTask)[target] = ref) });
      } else if (spec && typeof spec === 'object' && isLocal((spec as RawTask).source)) {
        const obj = spec as RawTask;
        const source = obj.source as string;
        out.push({ target, source, localPath: expand(source, baseDir, home), set: (ref) => (obj.source = ref) });
      }
    }
  }
  return out;
}

function mib(n: number): string {
  return n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

/**
 * Packs every local path of a task (SkyPilot's rules: see pack-tree.ts and ignore-rules.ts), uploads the chunks the
 * server does not have yet (content-addressed, so an interrupted upload resumes and a second launch sends nothing
 * new), registers one manifest per path and answers a copy of the task whose paths are `skyport-blob://` refs.
 * Refuses before sending anything when the files exceed the server's limit, naming the biggest.
 */
export async function uploadTaskFiles(api: BlobApi, task: RawTask, options: UploadOptions): Promise<{ task: RawTask; summary: UploadSummary }> {
  const copy = structuredClone(task);
  const sources = localSources(copy, options.baseDir, options.home ?? homedir());
  const summary: UploadSummary = { mounts: [], totalBytes: 0, bytesSent: 0, chunksSent: 0, chunksReused: 0 };
  if (!sources.length) return { task: copy, summary };
  const progress: UploadProgress = { phase: 'packing', totalBytes: 0, bytesToSend: 0, bytesSent: 0 };
  const report = () => options.onProgress?.({ ...progress });
  report();
  const limits = await api.blobLimits();
  const chunkBytes = Math.min(BLOB_CHUNK_BYTES, limits.chunkMaxBytes);
  const packed: Array<{ source: LocalSource; tree: PackedTree }> = sources.map((source) => ({ source, tree: packPath(source.localPath, chunkBytes) }));
  for (const { source, tree } of packed) {
    if (source.target === 'workdir' && tree.manifest.kind !== 'dir') {
      throw new SkyportError(ErrorCode.InvalidTask, `workdir '${source.source}' is a file; workdir must be a directory (put single files in file_mounts)`, { path: source.localPath });
    }
  }
  const total = packed.reduce((s, p) => s + p.tree.totalBytes, 0);
  progress.totalBytes = total;
  if (total > limits.uploadMaxBytes) {
    const biggest = packed
      .flatMap((p) => p.tree.files.map((f) => ({ path: f.path === p.tree.root ? p.source.source : `${p.source.source.replace(/\/+$/, '')}/${f.path}`, size: f.size })))
      .sort((a, b) => b.size - a.size)
      .slice(0, 5)
      .map((f) => `${f.path} (${mib(f.size)})`)
      .join(', ');
    throw new SkyportError(
      ErrorCode.PayloadTooLarge,
      `the task's files total ${mib(total)}, above the server's upload limit of ${mib(limits.uploadMaxBytes)}; biggest files: ${biggest}. Add them to .skyignore (or .gitignore), or put large data in a bucket`,
      { kind: 'upload-too-large', totalBytes: total, limitBytes: limits.uploadMaxBytes },
    );
  }

  progress.phase = 'checking';
  report();
  const allChunks = new Map<string, ReturnType<PackedTree['chunks']['get']>>();
  for (const p of packed) for (const [d, src] of p.tree.chunks) if (!allChunks.has(d)) allChunks.set(d, src);
  const digests = [...allChunks.keys()];
  const missing: string[] = [];
  for (let i = 0; i < digests.length; i += 10_000) missing.push(...(await api.missingBlobs(digests.slice(i, i + 10_000))).missing);
  summary.chunksReused = digests.length - missing.length;

  const send = async (list: string[]) => {
    progress.phase = 'uploading';
    progress.bytesToSend += list.reduce((s, d) => s + allChunks.get(d)!.length, 0);
    report();
    let next = 0;
    const worker = async () => {
      while (next < list.length) {
        const digest = list[next++];
        const data = readChunk(allChunks.get(digest)!);
        await withRetries(() => api.putBlob(digest, data), digest);
        progress.bytesSent += data.length;
        summary.bytesSent += data.length;
        summary.chunksSent += 1;
        report();
      }
    };
    await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 4, list.length) }, worker));
  };
  await send(missing);

  for (const { source, tree } of packed) {
    let created: ManifestCreated;
    try {
      created = await api.createManifest(tree.manifest);
    } catch (error) {
      // The server collected chunks between our check and now (a long pause): send those again, once.
      const again = error instanceof SkyportError && error.details?.kind === 'chunks-missing' ? (error.details.missing as string[]) : undefined;
      if (!again) throw error;
      await send(again.filter((d) => allChunks.has(d)));
      created = await api.createManifest(tree.manifest);
    }
    source.set(created.ref);
    summary.mounts.push({ target: source.target, source: source.source, localPath: source.localPath, ref: created.ref, files: created.files, bytes: created.totalBytes });
  }
  summary.totalBytes = total;
  progress.phase = 'done';
  report();
  return { task: copy, summary };
}

/** Three tries of one chunk, 0.5 s then 1 s apart, when the api or the network failed; a changed file is final. */
async function withRetries<T>(call: () => Promise<T>, digest: string): Promise<T> {
  const digestMismatch = (error: unknown) => error instanceof SkyportError && error.details?.kind === 'digest-mismatch';
  try {
    return await pRetry(() => call(), {
      retries: 2,
      minTimeout: 500,
      factor: 2,
      randomize: false,
      shouldRetry: ({ error }) =>
        !digestMismatch(error) && error instanceof SkyportError && (error.code === ErrorCode.DependencyUnavailable || error.code === ErrorCode.Internal || error.code === ErrorCode.RateLimited),
    });
  } catch (error) {
    if (digestMismatch(error)) {
      throw new SkyportError(ErrorCode.InvalidTask, `a file changed while it was being uploaded (chunk ${digest.slice(0, 12)}); run the command again`, { digest });
    }
    throw error;
  }
}
