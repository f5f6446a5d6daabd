/** Fallback poll for rows whose notification was missed (relay restarted, connection dropped). */
export const OUTBOX_POLL_MS = 1_000;
export const OUTBOX_BATCH = 200;
