import type { EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { ClusterStatus, clusterEventType, type EventData } from '@skyport/contracts';
import { ClusterEntity, recordEvent } from '@skyport/persistence';
import { compareAndSetStatus } from './compare-and-set';

const SOURCE = 'provisioner';

/** Every cluster status but TERMINATED: what a teardown may move on from. */
export const NOT_TERMINATED: readonly ClusterStatus[] = Object.values(ClusterStatus).filter((s) => s !== ClusterStatus.Terminated);

/** Every cluster status but TEARING_DOWN and TERMINATED: a cluster no `down` has taken (what a stop or start may move). */
export const NOT_TAKEN_DOWN: readonly ClusterStatus[] = NOT_TERMINATED.filter((s) => s !== ClusterStatus.TearingDown);

/** SQL over the row as it was before the update (`() => 'COALESCE(stopped_at, now())'`). */
type Sql = () => string;

/** The columns a transition may set beside `phase` and `phase_reason`: a value, or SQL where it depends on the row. */
export type ClusterTransitionColumns = { [K in 'lastActivityAt' | 'stoppedAt' | 'stoppedSeconds']?: ClusterEntity[K] | Sql };

export interface ClusterTransition<S extends ClusterStatus> {
  from: readonly ClusterStatus[];
  to: S;
  /** The new `phase_reason`; left as it is when absent. */
  reason?: string | null;
  /** Other columns set in the same statement (the stopped interval, the activity time). */
  also?: ClusterTransitionColumns;
  /** Withdraws a `stop` intent the provisioner could not carry out (the one intent it clears); any other intent stays. */
  withdrawStop?: boolean;
  /**
   * The `cluster.<to>` event's message: with one, the event is recorded when the cluster moved; without, none is
   * (a site whose event says what it did after the move, or is not a status, records its own).
   */
  message?: string;
  requestId?: string | null;
  data?: EventData<ReturnType<typeof clusterEventType<S>>>;
}

/**
 * A cluster's status change as the provisioner (the only writer of `clusters.phase`, see CONTRIBUTING.md) makes
 * it: compare-and-set on the current status (the computed one, so a pending `down` counts as TEARING_DOWN), the
 * new phase with the columns that go with it, and the `cluster.<to>` event in the same transaction. False, and no
 * event, when the row was no longer in `from`.
 */
export async function transitionCluster<S extends ClusterStatus>(tx: EntityManager, clusterName: string, t: ClusterTransition<S>): Promise<boolean> {
  if (t.from.length === 0) throw new Error(`transitionCluster(${clusterName} → ${t.to}): no status to move from`);
  const set: QueryDeepPartialEntity<ClusterEntity> = {
    ...t.also,
    phase: t.to,
    ...(t.reason !== undefined ? { phaseReason: t.reason } : {}),
    ...(t.withdrawStop ? { intent: () => `CASE WHEN intent = 'stop' THEN NULL ELSE intent END` } : {}),
  };
  const moved = await compareAndSetStatus(tx, ClusterEntity, { where: 'name = :clusterName', params: { clusterName } }, t.from, set);
  if (moved && t.message !== undefined) {
    await recordEvent(tx, SOURCE, { type: clusterEventType(t.to), message: t.message, requestId: t.requestId ?? null, clusterName, data: t.data });
  }
  return moved;
}
