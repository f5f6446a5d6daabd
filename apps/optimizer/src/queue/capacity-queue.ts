import type { EntityManager } from 'typeorm';
import type { OptimizerRpc } from '@skyport/contracts';
import { CAPACITY_WAIT_AHEAD, CapacityWaitEntity, LIVE_CAPACITY_WAIT, capacityWaitPosition, type CapacityWaitSlot } from '@skyport/persistence';
import { revisePlan } from '../plan/revise-plan';

/** Where a launch stands in the queue: higher priority first, then the request's arrival. */
export type QueueSlot = CapacityWaitSlot;

/** Contexts held by launches ahead of one: how many wait for each, and the first of them. */
export type HeldContexts = Map<string, { waiting: number; firstCluster: string }>;

/**
 * The one queue of launches waiting for Kubernetes capacity, across every context: strict first come, first
 * served within a priority. A waiting launch holds the contexts it could run on once capacity frees; a later
 * launch of the same or lower priority may not take them first, so when capacity frees the head goes first and a
 * small latecomer does not slip in ahead of it. Stored in `capacity_waits`, shared by every optimizer replica.
 */
export class CapacityQueue {
  /** The contexts that launches ahead of `slot` are waiting for. */
  async heldAhead(manager: EntityManager, slot: QueueSlot): Promise<HeldContexts> {
    const rows: Array<{ contexts: string[]; cluster_name: string }> = await manager.query(
      `SELECT w.contexts, w.cluster_name FROM capacity_waits w JOIN requests r ON r.id = w.request_id
        WHERE ${LIVE_CAPACITY_WAIT} AND ${CAPACITY_WAIT_AHEAD} ORDER BY w.priority DESC, w.arrived_at, w.request_id`,
      [slot.requestId, slot.priority, slot.arrivedAt],
    );
    const held: HeldContexts = new Map();
    for (const row of rows) {
      for (const ctx of row.contexts ?? []) {
        const h = held.get(ctx);
        if (h) h.waiting++;
        else held.set(ctx, { waiting: 1, firstCluster: row.cluster_name });
      }
    }
    return held;
  }

  /**
   * Enters (or stays in) the queue with the contexts it waits for; answers its position (1 = head). Rows of
   * requests that ended elsewhere (the autodown reconciler gave up on a stuck launch) leave first: they already
   * count for nothing, and this queue is the only writer of its rows. SKIP LOCKED: replicas never wait on each other.
   */
  async wait(manager: EntityManager, slot: QueueSlot & { clusterName: string; team: string | null; contexts: string[]; reason: string }): Promise<number> {
    await manager.query(
      `DELETE FROM capacity_waits WHERE request_id IN (
         SELECT w.request_id FROM capacity_waits w JOIN requests r ON r.id = w.request_id WHERE NOT (${LIVE_CAPACITY_WAIT}) FOR UPDATE OF w SKIP LOCKED)`,
    );
    await manager.upsert(
      CapacityWaitEntity,
      { requestId: slot.requestId, clusterName: slot.clusterName, team: slot.team, priority: slot.priority, arrivedAt: slot.arrivedAt, contexts: slot.contexts, reason: slot.reason },
      ['requestId'],
    );
    return this.position(manager, slot);
  }

  position(manager: EntityManager, slot: QueueSlot): Promise<number> {
    return capacityWaitPosition(manager, slot);
  }

  /** The launch left the wait (it goes to the provisioner, or failed). */
  async leave(manager: EntityManager, requestId: string): Promise<void> {
    await manager.delete(CapacityWaitEntity, { requestId });
  }
}

/**
 * Keeps a plan off the contexts earlier waiting launches hold: those candidates are passed over with the reason;
 * the launch then goes elsewhere (another context, a cloud) or waits its turn.
 */
export function yieldToEarlier(plan: OptimizerRpc.PlanResponse, held: HeldContexts): OptimizerRpc.PlanResponse {
  if (held.size === 0) return plan;
  return revisePlan(plan, (c) => {
    const h = c.provider === 'kubernetes' && c.feasible ? held.get(c.region) : undefined;
    if (!h) return c;
    const who = h.waiting === 1 ? `an earlier launch (cluster '${h.firstCluster}')` : `${h.waiting} earlier launches (first: cluster '${h.firstCluster}')`;
    return { ...c, feasible: false, reason: `${c.region}: capacity here goes first to ${who} waiting in the queue (strict first-come order)` };
  });
}
