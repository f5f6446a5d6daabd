import { ErrorCode, SkyportError } from '@skyport/contracts';

export const DEFAULT_PAGE = 100;
export const MAX_PAGE = 500;

/** `?limit=` as a number in 1..MAX_PAGE (DEFAULT_PAGE when absent). */
export function pageLimit(raw: string | undefined): number {
  if (raw === undefined || raw === '') return DEFAULT_PAGE;
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > MAX_PAGE) throw new SkyportError(ErrorCode.InvalidRequest, `"limit" must be a whole number from 1 to ${MAX_PAGE}`);
  return Number(raw);
}

/** Cursors are opaque to callers: base64url of the last item's sort key. */
export function encodeCursor(key: string): string {
  return Buffer.from(key, 'utf8').toString('base64url');
}

export function decodeCursor(raw: string | undefined): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (!/^[A-Za-z0-9_-]{1,400}$/.test(raw)) throw new SkyportError(ErrorCode.InvalidRequest, 'the cursor is not valid; use the nextCursor of the previous page');
  return Buffer.from(raw, 'base64url').toString('utf8');
}
