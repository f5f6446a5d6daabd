/** Deepest nesting of objects and arrays the api reads in a request body; no endpoint needs more than a task's pod_config. */
export const MAX_JSON_DEPTH = 64;

/**
 * The nesting depth of a JSON text, or `limit + 1` as soon as it goes past `limit`: one pass over the bytes, no
 * recursion, so a 200k-deep body is refused before JSON.parse or anything after it recurses into it. Brackets
 * inside strings (with their escapes) do not count; a malformed text is left for the parser to report.
 */
export function jsonDepthOver(buf: Buffer, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < buf.length; i++) {
    const c = buf[i];
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > limit) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}
