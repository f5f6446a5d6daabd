import type { Request } from 'express';
import { ErrorCode, SkyportError } from '@skyport/contracts';

/** A chunk above the server's per-chunk limit. */
export function chunkTooLarge(limit: number): SkyportError {
  return new SkyportError(ErrorCode.PayloadTooLarge, `a chunk may be at most ${limit} bytes on this server (SKYPORT_BLOB_CHUNK_MAX_BYTES); cut files into smaller chunks`, {
    kind: 'chunk-too-large',
    limitBytes: limit,
  });
}

/** The raw request body (a chunk, a large manifest), refused past `limit` bytes without reading the rest. */
export async function readRawBody(req: Request, limit: number, tooLarge: () => SkyportError = () => chunkTooLarge(limit)): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge();
  const parts: Buffer[] = [];
  let size = 0;
  for await (const part of req as AsyncIterable<Buffer>) {
    size += part.length;
    if (size > limit) {
      req.destroy();
      throw tooLarge();
    }
    parts.push(part);
  }
  return Buffer.concat(parts);
}
