import type { EntityManager } from 'typeorm';
import { RequestStatus, requestEventType, type EventData } from '@skyport/contracts';
import { RequestEntity } from '../entities/request.entity';
import { recordEvent } from '../events/record-event';
import { entityPatch } from '../typeorm/entity-patch';

/** The statuses a request still moves out of; a request that ended (SUCCEEDED, FAILED, CANCELLED) stays as it ended. */
export const LIVE_REQUEST_STATUSES: readonly RequestStatus[] = [RequestStatus.Pending, RequestStatus.Running];

export interface RequestTransition<S extends RequestStatus> {
  /** The statuses the request may move from; it does not move (and nothing is recorded) from any other. */
  from: readonly RequestStatus[];
  to: S;
  /** The new `error_code` / `error_message`; `null` clears it, absent leaves it as it is. */
  errorCode?: string | null;
  errorMessage?: string | null;
  /** The `request.<to>` event's message: with one, the event is recorded when the request moved; without, none is. */
  message?: string;
  clusterName?: string | null;
  data?: EventData<ReturnType<typeof requestEventType<S>>>;
}

/**
 * A request's status change, whichever stage holds the request (api, optimizer, provisioner, autodown): a
 * compare-and-set on its current status (`WHERE id = :id AND status IN (:...from)`, as the job driver's and
 * `transitionCluster` do), its error fields and `updated_at`, and — only when it moved and a message is given — the
 * `request.<to>` event in the same transaction. Returns whether it moved, so two stages racing for the same request
 * each see whether they won.
 */
export async function transitionRequest<S extends RequestStatus>(tx: EntityManager, source: string, requestId: string, t: RequestTransition<S>): Promise<boolean> {
  if (t.from.length === 0) throw new Error(`transitionRequest(${requestId} → ${t.to}): no status to move from`);
  const set = {
    ...entityPatch<RequestEntity>({
      status: t.to,
      ...(t.errorCode !== undefined ? { errorCode: t.errorCode } : {}),
      ...(t.errorMessage !== undefined ? { errorMessage: t.errorMessage } : {}),
    }),
    updatedAt: () => 'now()',
  };
  const res = await tx
    .createQueryBuilder()
    .update(RequestEntity)
    .set(set)
    .where('id = :requestId AND status IN (:...from)', { requestId, from: [...t.from] })
    .execute();
  const moved = (res.affected ?? 0) > 0;
  if (moved && t.message !== undefined) {
    await recordEvent(tx, source, { type: requestEventType(t.to), message: t.message, requestId, clusterName: t.clusterName ?? null, data: t.data });
  }
  return moved;
}
