import type { EntityManager } from 'typeorm';
import { ClusterStatus, clusterEventType, type EventData } from '@skyport/contracts';
import { ClusterEntity, entityPatch, recordEvent } from '@skyport/persistence';
import { compareAndSetStatus } from './compare-and-set';

const SOURCE = 'provisioner';

/** Every cluster status but TERMINATED: what a teardown may move on from. */
export const NOT_TERMINATED: readonly ClusterStatus[] = Object.values(ClusterStatus).filter((s) => s !== ClusterStatus.Terminated);

export interface ClusterTransition<S extends ClusterStatus> {
  from: readonly ClusterStatus[];
  to: S;
  /** The new `phase_reason`; left as it is when absent. */
  reason?: string | null;
  /** The event's message; its type is the new status (`cluster.<to>`). */
  message: string;
  requestId?: string | null;
  data?: EventData<ReturnType<typeof clusterEventType<S>>>;
}

/**
 * A cluster's status change as the provisioner (the only writer of `clusters.phase`, see CONTRIBUTING.md) makes
 * it: compare-and-set on the current status (the computed one, so a pending `down` counts as TEARING_DOWN), the
 * new phase, and the `cluster.<to>` event in the same transaction. False, and no event, when the row was no longer
 * in `from`.
 */
export async function transitionCluster<S extends ClusterStatus>(tx: EntityManager, clusterName: string, t: ClusterTransition<S>): Promise<boolean> {
  const set = entityPatch<ClusterEntity>(t.reason === undefined ? { phase: t.to } : { phase: t.to, phaseReason: t.reason });
  const moved = await compareAndSetStatus(tx, ClusterEntity, { where: 'name = :clusterName', params: { clusterName } }, t.from, set);
  if (moved) await recordEvent(tx, SOURCE, { type: clusterEventType(t.to), message: t.message, requestId: t.requestId ?? null, clusterName, data: t.data });
  return moved;
}
