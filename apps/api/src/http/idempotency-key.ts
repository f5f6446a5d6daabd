import { ErrorCode, SkyportError } from '@skyport/contracts';

const IDEMPOTENCY_KEY_MAX = 200;

/** The Idempotency-Key header, checked: undefined when absent or empty. */
export function checkKey(key: string | undefined): string | undefined {
  if (key === undefined || key === '') return undefined;
  if (key.length > IDEMPOTENCY_KEY_MAX || !/^[\x21-\x7e]+$/.test(key)) {
    throw new SkyportError(ErrorCode.InvalidRequest, `the Idempotency-Key header must be 1–${IDEMPOTENCY_KEY_MAX} printable characters without spaces`);
  }
  return key;
}
