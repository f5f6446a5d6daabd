import { createHash } from 'node:crypto';
import { ErrorCode, SkyportError, isDigest, type BlobManifest, type BlobManifestEntry } from '@skyport/contracts';

const MAX_ENTRIES = 200_000;
const MAX_PATH = 4096;

function invalid(message: string, details?: Record<string, unknown>): SkyportError {
  return new SkyportError(ErrorCode.InvalidRequest, `the manifest is not valid: ${message}`, details);
}

/** A manifest path: relative, `/`-separated, no empty, `.` or `..` segment, no NUL. */
function checkPath(path: unknown, kind: BlobManifest['kind']): string {
  if (typeof path !== 'string') throw invalid('every entry needs a "path" string');
  if (kind === 'file') {
    if (path !== '') throw invalid('a single-file manifest has one entry with path ""');
    return path;
  }
  if (!path || path.length > MAX_PATH || path.includes('\0') || path.startsWith('/') || path.includes('\\')) throw invalid(`bad path ${JSON.stringify(path.slice(0, 200))}`);
  for (const segment of path.split('/')) {
    if (!segment || segment === '.' || segment === '..') throw invalid(`bad path ${JSON.stringify(path.slice(0, 200))}: no empty, "." or ".." parts`);
  }
  return path;
}

/**
 * Checks a manifest as a client sent it and answers it in canonical form (fixed key order, entries sorted by path)
 * with its digest. No entry may lie under a symlink of the same tree: extracting `link/x` would write wherever
 * `link` points.
 */
export function canonicalManifest(raw: unknown): { manifest: BlobManifest; digest: string; chunks: string[]; totalBytes: number; files: number } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw invalid('send {"manifest": {"version": 1, "kind": "dir"|"file", "entries": [...]}}');
  const m = raw as Record<string, unknown>;
  if (m.version !== 1) throw invalid('"version" must be 1');
  if (m.kind !== 'dir' && m.kind !== 'file') throw invalid('"kind" must be "dir" or "file"');
  const kind = m.kind;
  if (!Array.isArray(m.entries) || m.entries.length > MAX_ENTRIES) throw invalid(`"entries" must be a list of at most ${MAX_ENTRIES} entries`);
  if (kind === 'file' && (m.entries.length !== 1 || (m.entries[0] as BlobManifestEntry)?.type !== 'file')) throw invalid('a single-file manifest has exactly one file entry');
  const entries: BlobManifestEntry[] = [];
  const seen = new Set<string>();
  const chunks = new Set<string>();
  let totalBytes = 0;
  let files = 0;
  for (const e of m.entries as Array<Record<string, unknown>>) {
    if (typeof e !== 'object' || e === null) throw invalid('every entry must be an object');
    const path = checkPath(e.path, kind);
    if (seen.has(path)) throw invalid(`the path ${JSON.stringify(path)} appears twice`);
    seen.add(path);
    if (typeof e.mode !== 'number' || !Number.isInteger(e.mode) || e.mode < 0 || e.mode > 0o777) throw invalid(`${JSON.stringify(path)}: "mode" must be permission bits (0 to 0o777)`);
    if (e.type === 'dir') entries.push({ path, type: 'dir', mode: e.mode });
    else if (e.type === 'symlink') {
      if (typeof e.target !== 'string' || !e.target || e.target.length > MAX_PATH || e.target.includes('\0')) throw invalid(`${JSON.stringify(path)}: a symlink needs a "target"`);
      entries.push({ path, type: 'symlink', mode: e.mode, target: e.target });
    } else if (e.type === 'file') {
      const size = e.size;
      if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) throw invalid(`${JSON.stringify(path)}: "size" must be a whole number of bytes`);
      if (!isDigest(e.sha256)) throw invalid(`${JSON.stringify(path)}: "sha256" must be 64 lower-case hex digits`);
      if (!Array.isArray(e.chunks) || !e.chunks.every(isDigest)) throw invalid(`${JSON.stringify(path)}: "chunks" must be a list of sha256 digests`);
      if ((size === 0) !== (e.chunks.length === 0)) throw invalid(`${JSON.stringify(path)}: an empty file has no chunks and a non-empty one has some`);
      for (const c of e.chunks) chunks.add(c);
      totalBytes += size;
      files += 1;
      entries.push({ path, type: 'file', mode: e.mode, size, sha256: e.sha256, chunks: [...e.chunks] });
    } else throw invalid(`${JSON.stringify(path)}: "type" must be file, dir or symlink`);
  }
  const links = entries.filter((e) => e.type === 'symlink').map((e) => e.path);
  if (links.length) {
    const linkSet = new Set(links);
    for (const e of entries) {
      const parts = e.path.split('/');
      for (let i = 1; i < parts.length; i++) {
        if (linkSet.has(parts.slice(0, i).join('/'))) throw invalid(`${JSON.stringify(e.path)} lies under the symlink ${JSON.stringify(parts.slice(0, i).join('/'))}`);
      }
    }
  }
  entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const manifest: BlobManifest = { version: 1, kind, entries };
  const digest = createHash('sha256').update(JSON.stringify(manifest)).digest('hex');
  return { manifest, digest, chunks: [...chunks], totalBytes, files };
}

/** The biggest files of manifests, for a size-limit error ("a.bin (300 MiB), …"). */
export function biggestFiles(manifests: Array<{ prefix: string; manifest: BlobManifest }>, n = 5): string {
  const all = manifests.flatMap(({ prefix, manifest }) =>
    manifest.entries.filter((e) => e.type === 'file').map((e) => ({ path: e.path ? `${prefix}/${e.path}` : prefix, size: e.size ?? 0 })),
  );
  return all
    .sort((a, b) => b.size - a.size)
    .slice(0, n)
    .map((f) => `${f.path} (${formatBytes(f.size)})`)
    .join(', ');
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = -1;
  do {
    v /= 1024;
    u++;
  } while (v >= 1024 && u < units.length - 1);
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[u]}`;
}
