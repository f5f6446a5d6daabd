import { QueueName, RequestStatus, launchPayloadOf, placementOf, type LaunchRequestPayload, type OptimizePayload, type OptimizerRpc } from '@skyport/contracts';
import { EventEntity, RequestEntity, recordEvent, transitionRequest } from '@skyport/persistence';
import type { JobQueue } from '@skyport/service-kit';
import type { DataSource } from 'typeorm';
import type { CapacityQueue, QueueSlot } from '../queue/capacity-queue';

/** How often a launch waiting for capacity is planned again on fresh capacity. */
export const NO_BURST_RETRY_MS = 3_000;

function optionsOf(request: RequestEntity): Partial<LaunchRequestPayload> {
  return launchPayloadOf(request.payload) ?? {};
}

export function wantsNoBurst(request: RequestEntity): boolean {
  return optionsOf(request).noBurst === true;
}

/** Its place in the queue: the launch's priority and arrival (the request's creation). */
export function slotOf(request: RequestEntity): QueueSlot {
  const priority = Number(optionsOf(request).priority ?? 0);
  return { requestId: request.id, priority: Number.isFinite(priority) ? priority : 0, arrivedAt: request.createdAt };
}

/**
 * Whether a launch with nothing to run on now waits in the queue instead of failing: always with `--no-burst` or
 * `--retry-until-up`;
 * otherwise when some allowed context could run it once capacity frees there (`waitContexts`), unless the caller
 * asked to fail fast. A task that fits no context even when empty fails with every reason, as before.
 */
export function mayWait(request: RequestEntity, waitContexts: readonly string[]): boolean {
  // `-r/--retry-until-up` (SkyPilot's flag): never fail for lack of capacity, like --no-burst, but failover stays on.
  if (wantsNoBurst(request) || optionsOf(request).retryUntilUp === true) return true;
  return optionsOf(request).failFast !== true && waitContexts.length > 0;
}

/** The plan lookup key of a wait round: every round plans afresh. */
export function waitRoundKey(blockedKey: string, waitRound: number | undefined): string {
  return waitRound ? `${blockedKey}#w${waitRound}` : blockedKey;
}

/** Why it waits, in one line: what the Kubernetes candidates said, else the plan's first line. */
export function waitReason(plan: OptimizerRpc.PlanResponse, fallback: string): string {
  const kube = plan.candidates.filter((c) => c.provider === 'kubernetes' && c.reason).map((c) => c.reason);
  return kube.length > 0 ? kube.join('; ') : (fallback.split('\n')[0] ?? fallback);
}

/**
 * A launch with no Kubernetes capacity now waits instead of failing: it takes (or keeps) its place in the
 * capacity queue with the contexts it waits for, the request goes back to PENDING, an event says why and where it
 * stands (only when that changes, not every round), and a fresh plan is made after NO_BURST_RETRY_MS. False when the
 * request had ended meanwhile: nothing was done.
 */
export async function waitForCapacity(
  deps: { db: DataSource; queue: JobQueue; waits: CapacityQueue; retryMs?: number },
  payload: OptimizePayload,
  request: RequestEntity,
  wait: { reason: string; contexts: string[] },
): Promise<boolean> {
  const { db, queue } = deps;
  const flag = wantsNoBurst(request) ? ' (--no-burst)' : optionsOf(request).retryUntilUp === true ? ' (--retry-until-up)' : '';
  const waiting = await db.transaction(async (tx) => {
    // A first round finds the request RUNNING (its plan moved it), a later one still PENDING (its infeasible plans
    // are not stored). One that ended meanwhile (a cancel, a `down`) takes no place, says nothing and is not planned
    // again.
    const moved = await transitionRequest(tx, 'optimizer', request.id, { from: [RequestStatus.Running], to: RequestStatus.Pending });
    if (!moved && (await tx.findOne(RequestEntity, { where: { id: request.id }, select: { id: true, status: true } }))?.status !== RequestStatus.Pending) return false;
    const position = await deps.waits.wait(tx, {
      ...slotOf(request),
      clusterName: payload.clusterName,
      team: placementOf(request.payload)?.team ?? null,
      contexts: wait.contexts,
      reason: wait.reason,
    });
    const message = `waiting for capacity${flag}, position ${position} in the queue: ${wait.reason}`;
    const last = await tx.findOne(EventEntity, { where: { requestId: request.id, type: 'request.waiting' }, order: { id: 'DESC' } });
    if (last?.message !== message) {
      await recordEvent(tx, 'optimizer', {
        type: 'request.waiting',
        message,
        requestId: request.id,
        clusterName: payload.clusterName,
        data: { position, reason: wait.reason, contexts: wait.contexts, waitRound: payload.waitRound ?? 0 },
      });
    }
    return true;
  });
  if (!waiting) return false;
  await queue.enqueue(QueueName.Optimize, { ...payload, waitRound: (payload.waitRound ?? 0) + 1 }, { delayMs: deps.retryMs ?? NO_BURST_RETRY_MS });
  return true;
}
