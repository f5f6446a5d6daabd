/** Where a node's output stands between reads: inside an over-long line that was cut at the cap, or not. */
export interface SplitState {
  skipping: boolean;
}

export interface SplitOptions {
  /** Longest line stored, in bytes; the rest of a longer line is dropped and the stored part ends with a marker. */
  lineCap: number;
  /** The producer has finished: a last line without a newline is complete. */
  final: boolean;
}

export interface SplitResult {
  lines: string[];
  /** Bytes of the input that the lines account for; the remainder (a partial line) is read again next time. */
  consumed: number;
  skipping: boolean;
}

const NEWLINE = 0x0a;

export function truncationMarker(cap: number): string {
  return ` … [line cut at ${cap} bytes]`;
}

/**
 * Splits raw output into complete lines. Lines longer than the cap are cut with a marker and their rest is
 * skipped (across reads, through `skipping`), so memory stays bounded whatever a program prints; NUL bytes and
 * undecodable bytes become U+FFFD; mostly-binary lines are replaced by a note with their size.
 */
export function splitLines(buf: Buffer, state: SplitState, opts: SplitOptions): SplitResult {
  const lines: string[] = [];
  let pos = 0;
  let skipping = state.skipping;
  while (pos < buf.length) {
    const nl = buf.indexOf(NEWLINE, pos);
    if (skipping) {
      if (nl < 0) {
        pos = buf.length;
        break;
      }
      pos = nl + 1;
      skipping = false;
      continue;
    }
    if (nl >= 0) {
      const len = nl - pos;
      lines.push(len > opts.lineCap ? decode(buf.subarray(pos, pos + opts.lineCap)) + truncationMarker(opts.lineCap) : decode(buf.subarray(pos, nl)));
      pos = nl + 1;
      continue;
    }
    const rest = buf.length - pos;
    if (rest > opts.lineCap) {
      lines.push(decode(buf.subarray(pos, pos + opts.lineCap)) + truncationMarker(opts.lineCap));
      pos = buf.length;
      skipping = true;
    } else if (opts.final) {
      lines.push(decode(buf.subarray(pos)));
      pos = buf.length;
    }
    break;
  }
  return { lines, consumed: pos, skipping };
}

function decode(bytes: Buffer): string {
  let end = bytes.length;
  if (end > 0 && bytes[end - 1] === 0x0d) end--;
  const slice = bytes.subarray(0, end);
  if (isMostlyBinary(slice)) return `[binary output: ${slice.length} bytes]`;
  // Postgres text cannot hold NUL; invalid UTF-8 already decodes to U+FFFD.
  return slice.toString('utf8').replace(/\0/g, '\uFFFD');
}

/** More than a tenth of the bytes are control characters other than tab, escape (colours) and carriage return. */
function isMostlyBinary(bytes: Buffer): boolean {
  if (bytes.length < 8) return false;
  let control = 0;
  for (const b of bytes) if (b < 0x20 && b !== 0x09 && b !== 0x1b && b !== 0x0d) control++;
  return control * 10 > bytes.length;
}
