import { Writable } from 'node:stream';
import { execStream, type ExecTarget } from '@skyport/kube';

export interface FileChunk {
  exists: boolean;
  data: Buffer;
}

// "$1" file, "$2" byte offset, "$3" most bytes. The first byte says whether the file exists.
const READ_SCRIPT = 'f="$1"; [ -f "$f" ] || { printf N; exit 0; }; printf Y; tail -c +"$(($2 + 1))" "$f" | head -c "$3"';

/** Reads up to `max` bytes of a file on a node from a byte offset, through the Kubernetes exec API. */
export async function readNodeFile(target: ExecTarget, file: string, offset: number, max: number, timeoutMs = 30_000): Promise<FileChunk> {
  const chunks: Buffer[] = [];
  let size = 0;
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      // The script bounds the output; this guards memory against a misbehaving shell.
      if (size <= max + 1) {
        chunks.push(chunk);
        size += chunk.length;
      }
      cb();
    },
  });
  await execStream(target, ['sh', '-c', READ_SCRIPT, 'sh', file, String(offset), String(max)], { stdout: sink }, { timeoutMs });
  const all = Buffer.concat(chunks);
  if (all.length === 0 || all[0] !== 0x59 /* Y */) return { exists: false, data: Buffer.alloc(0) };
  return { exists: true, data: all.subarray(1, max + 1) };
}
