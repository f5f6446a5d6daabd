import { QueueName, RequestStatus, type OptimizePayload } from '@skyport/contracts';
import { EventEntity, RequestEntity, recordEvent } from '@skyport/persistence';
import type { JobQueue } from '@skyport/service-kit';
import type { DataSource } from 'typeorm';

/** How often a waiting `--no-burst` task is planned again on fresh capacity. */
export const NO_BURST_RETRY_MS = 3_000;

export function wantsNoBurst(request: RequestEntity): boolean {
  return (request.payload as { noBurst?: unknown } | null)?.noBurst === true;
}

/** The plan lookup key of a wait round: every round plans afresh. */
export function waitRoundKey(blockedKey: string, waitRound: number | undefined): string {
  return waitRound ? `${blockedKey}#w${waitRound}` : blockedKey;
}

/**
 * A `--no-burst` task with no Kubernetes capacity now waits instead of failing: the request goes back to PENDING,
 * an event says why and where it stands among the waiting requests (only when that changes, not every round),
 * and a fresh plan is made after NO_BURST_RETRY_MS.
 */
export async function waitForCapacity(deps: { db: DataSource; queue: JobQueue; retryMs?: number }, payload: OptimizePayload, request: RequestEntity, reason: string): Promise<void> {
  const { db, queue } = deps;
  await db.transaction(async (tx) => {
    const rows: Array<{ n: string }> = await tx.query(
      `SELECT count(*) AS n FROM requests r WHERE r.status IN ($1, $2) AND r.created_at < $3 AND r.id <> $4
         AND (r.payload->>'noBurst')::boolean IS TRUE
         AND EXISTS (SELECT 1 FROM events e WHERE e.request_id = r.id AND e.type = 'request.waiting')`,
      [RequestStatus.Pending, RequestStatus.Running, request.createdAt, request.id],
    );
    const position = Number(rows[0]?.n ?? 0) + 1;
    const firstLine = reason.split('\n')[0] ?? reason;
    const message = `waiting for capacity (--no-burst), position ${position} in the queue: ${firstLine}`;
    await tx.update(RequestEntity, { id: request.id, status: RequestStatus.Running }, { status: RequestStatus.Pending });
    const last = await tx.findOne(EventEntity, { where: { requestId: request.id, type: 'request.waiting' }, order: { id: 'DESC' } });
    if (last?.message !== message) {
      await recordEvent(tx, 'optimizer', {
        type: 'request.waiting',
        message,
        requestId: request.id,
        clusterName: payload.clusterName,
        data: { position, reason, waitRound: payload.waitRound ?? 0 },
      });
    }
  });
  await queue.enqueue(QueueName.Optimize, { ...payload, waitRound: (payload.waitRound ?? 0) + 1 }, { delayMs: deps.retryMs ?? NO_BURST_RETRY_MS });
}
