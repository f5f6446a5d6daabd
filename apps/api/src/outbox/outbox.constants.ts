/** Postgres channel notified in the transaction that adds outbox rows, so the relay publishes at once. */
export const OUTBOX_CHANNEL = 'skyport_outbox';
/** Fallback poll for rows whose notification was missed (relay restarted, connection dropped). */
export const OUTBOX_POLL_MS = 1_000;
export const OUTBOX_BATCH = 200;
