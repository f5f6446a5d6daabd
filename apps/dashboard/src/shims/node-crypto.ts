/** The client's idempotency keys, from the browser's Web Crypto. */
export function randomUUID(): string {
  return globalThis.crypto.randomUUID();
}
