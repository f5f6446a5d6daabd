import { createHash } from 'node:crypto';
import { lstatSync, openSync, readSync, closeSync, readdirSync, readlinkSync, statSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { BLOB_CHUNK_BYTES, ErrorCode, SkyportError, type BlobManifest, type BlobManifestEntry } from '@skyport/contracts';
import { IgnoreRules } from './ignore-rules';

/** Where a chunk's bytes are on this machine (read again when it is uploaded). */
export interface ChunkSource {
  file: string;
  offset: number;
  length: number;
}

export interface PackedTree {
  /** The local path packed (absolute). */
  root: string;
  manifest: BlobManifest;
  chunks: Map<string, ChunkSource>;
  totalBytes: number;
  files: Array<{ path: string; size: number }>;
}

/**
 * Packs a local directory (or one file) into a manifest of content-addressed chunks. Symlinks are recorded as
 * symlinks (their target as written) and never followed, so nothing outside the tree is read; sockets and other
 * special files are skipped. Only the root itself is followed when it is a symlink: the user named it.
 */
export function packPath(root: string, chunkBytes = BLOB_CHUNK_BYTES): PackedTree {
  let top: Stats;
  try {
    top = statSync(root);
  } catch {
    throw new SkyportError(ErrorCode.InvalidTask, `the local path ${root} does not exist (it is named in the task's workdir or file_mounts)`, { path: root });
  }
  const chunks = new Map<string, ChunkSource>();
  const files: PackedTree['files'] = [];
  const entries: BlobManifestEntry[] = [];
  let totalBytes = 0;
  const addFile = (abs: string, path: string, st: Stats) => {
    const { sha256, digests } = hashFile(abs, st.size, chunkBytes, chunks);
    entries.push({ path, type: 'file', mode: st.mode & 0o777, size: st.size, sha256, chunks: digests });
    files.push({ path: path || abs, size: st.size });
    totalBytes += st.size;
  };
  if (top.isFile()) {
    addFile(root, '', top);
    return { root, manifest: { version: 1, kind: 'file', entries }, chunks, totalBytes, files };
  }
  if (!top.isDirectory()) throw new SkyportError(ErrorCode.InvalidTask, `${root} is neither a file nor a directory`, { path: root });
  const rules = new IgnoreRules(root);
  const walk = (dir: string) => {
    rules.enterDirectory(dir);
    const names = readdirSync(join(root, dir)).sort();
    for (const name of names) {
      const path = dir ? `${dir}/${name}` : name;
      const abs = join(root, path);
      const st = lstatSync(abs);
      if (st.isSymbolicLink()) {
        if (rules.ignores(path, false)) continue;
        entries.push({ path, type: 'symlink', mode: 0o777, target: readlinkSync(abs) });
      } else if (st.isDirectory()) {
        if (rules.ignores(path, true)) continue;
        entries.push({ path, type: 'dir', mode: st.mode & 0o777 });
        walk(path);
      } else if (st.isFile()) {
        if (rules.ignores(path, false)) continue;
        addFile(abs, path, st);
      }
    }
  };
  walk('');
  return { root, manifest: { version: 1, kind: 'dir', entries }, chunks, totalBytes, files };
}

function hashFile(abs: string, size: number, chunkBytes: number, chunks: Map<string, ChunkSource>): { sha256: string; digests: string[] } {
  const whole = createHash('sha256');
  const digests: string[] = [];
  const fd = openSync(abs, 'r');
  try {
    const buf = Buffer.allocUnsafe(Math.min(chunkBytes, Math.max(size, 1)));
    for (let offset = 0; offset < size; offset += chunkBytes) {
      const length = Math.min(chunkBytes, size - offset);
      readFully(fd, buf, length, offset);
      const piece = buf.subarray(0, length);
      whole.update(piece);
      const digest = createHash('sha256').update(piece).digest('hex');
      digests.push(digest);
      if (!chunks.has(digest)) chunks.set(digest, { file: abs, offset, length });
    }
  } finally {
    closeSync(fd);
  }
  return { sha256: whole.digest('hex'), digests };
}

function readFully(fd: number, buf: Buffer, length: number, position: number): void {
  let done = 0;
  while (done < length) {
    const n = readSync(fd, buf, done, length - done, position + done);
    if (n === 0) throw new SkyportError(ErrorCode.InvalidTask, 'a file shrank while it was being packed; try again', {});
    done += n;
  }
}

/** Reads one chunk back for upload. */
export function readChunk(source: ChunkSource): Buffer {
  const fd = openSync(source.file, 'r');
  try {
    const buf = Buffer.allocUnsafe(source.length);
    readFully(fd, buf, source.length, source.offset);
    return buf;
  } finally {
    closeSync(fd);
  }
}
