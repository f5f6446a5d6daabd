import type { EntityManager } from 'typeorm';

/** A launch's place in the capacity queue: higher priority first, then the request's arrival (ties by id). */
export interface CapacityWaitSlot {
  requestId: string;
  priority: number;
  arrivedAt: Date;
}

/** Rows of requests that ended (cancelled, taken down, failed elsewhere) hold nothing and count for nothing. */
export const LIVE_CAPACITY_WAIT = `r.status IN ('PENDING', 'RUNNING')`;

/** `w` (capacity_waits) is ahead of the slot given as $1 request id, $2 priority, $3 arrival. */
export const CAPACITY_WAIT_AHEAD = `w.request_id <> $1 AND (w.priority > $2 OR (w.priority = $2 AND (w.arrived_at < $3 OR (w.arrived_at = $3 AND w.request_id < $1))))`;

/** 1 = the head of the queue. */
export async function capacityWaitPosition(manager: EntityManager, slot: CapacityWaitSlot): Promise<number> {
  const rows: Array<{ n: number }> = await manager.query(
    `SELECT count(*)::int AS n FROM capacity_waits w JOIN requests r ON r.id = w.request_id WHERE ${LIVE_CAPACITY_WAIT} AND ${CAPACITY_WAIT_AHEAD}`,
    [slot.requestId, slot.priority, slot.arrivedAt],
  );
  return Number(rows[0]?.n ?? 0) + 1;
}
