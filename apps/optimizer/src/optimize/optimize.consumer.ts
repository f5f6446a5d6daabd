import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ErrorCode, QueueName, RequestStatus, SkyportError, TERMINAL_REQUEST_STATUSES, launchPayloadOf, placementOf, relaunchOf, type OptimizePayload, type OptimizerRpc, type QueuePayload, type StoredPlan } from '@skyport/contracts';
import { PlanEntity, RequestEntity, transitionRequest } from '@skyport/persistence';
import { formatPlanTable, infraLabel, noFeasibleResourcesError, orderForRelaunch, withoutBurst } from '@skyport/planner';
import { GroupCommit, JobQueue, QueueWorkers, SERVICE_LOGGER, type Logger } from '@skyport/service-kit';
import { currentTraceCarrier, skyportMetrics, type TraceCarrier } from '@skyport/telemetry';
import { PlanService } from '../plan/plan.service';
import { PlanWriter } from '../plan/plan-writer';
import { planTaskFrom } from '../plan/task-json';
import { confineToTeam, namespaceAskedBy } from '../placement/team-placement';
import { feasibleContexts } from '../plan/capacity-when-free';
import { CapacityQueue, yieldToEarlier } from '../queue/capacity-queue';
import { mayWait, slotOf, waitForCapacity, waitReason, waitRoundKey, wantsNoBurst } from './capacity-wait';

const SOURCE = 'optimizer';

/** The blocked list as a stable key: a redelivered job finds the plan it already made for the same list. */
export function blockedKey(blocked: OptimizePayload['blocked']): string {
  return (blocked ?? []).map((b) => b.candidateId).sort().join('\n');
}

/**
 * `optimize`: plans the request's task on live capacity, confined to its team's namespaces and behind launches
 * already waiting for the same contexts (the capacity queue), stores the plan and hands the request to the
 * provisioner (`provision` with the plan id). With nothing feasible now the launch waits in the capacity queue
 * when it could run once capacity frees (see mayWait); otherwise the request fails here with every candidate's
 * reason, and the provisioner is asked to clean up the cluster it never brought up.
 */
@Injectable()
export class OptimizeConsumer implements OnModuleInit {
  constructor(
    @Inject(QueueWorkers) private readonly workers: QueueWorkers,
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(JobQueue) private readonly queue: JobQueue,
    @Inject(PlanService) private readonly planner: PlanService,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {
    this.writer = new PlanWriter(db, SOURCE);
    // The provision jobs of plans that finish together go to Redis in one addBulk (a failure is the connection's:
    // every job of the batch fails and BullMQ retries it, finding its stored plan).
    this.provisions = new GroupCommit(
      (jobs) => queue.enqueueMany(QueueName.Provision, jobs.map(({ payload, trace }) => ({ payload, options: { trace } }))).then(() => undefined),
      { maxBatch: 200, retryAlone: false },
    );
  }

  private readonly waits = new CapacityQueue();
  private readonly writer: PlanWriter;
  private readonly provisions: GroupCommit<{ payload: QueuePayload<QueueName.Provision>; trace: TraceCarrier }>;

  onModuleInit(): void {
    this.workers.register(QueueName.Optimize, (payload, job) => this.handle(payload, job.attemptsMade + 1 >= (job.opts.attempts ?? 1)));
  }

  /** `lastAttempt`: BullMQ will not retry this job again, so an unknown capacity must be decided on now. */
  async handle(payload: OptimizePayload, lastAttempt = true): Promise<void> {
    const request = await this.db.manager.findOne(RequestEntity, { where: { id: payload.requestId } });
    if (!request) throw new SkyportError(ErrorCode.NotFound, `request ${payload.requestId} does not exist`);
    if (TERMINAL_REQUEST_STATUSES.has(request.status)) return await this.waits.leave(this.db.manager, request.id);

    const key = waitRoundKey(blockedKey(payload.blocked), payload.waitRound);
    let row = await this.db.manager
      .createQueryBuilder(PlanEntity, 'p')
      .where('p.request_id = :id', { id: payload.requestId })
      .andWhere("p.plan->>'blockedKey' = :key", { key })
      .orderBy('p.created_at', 'DESC')
      .getOne();
    const fresh = !row;
    if (!row) row = await this.makePlan(payload, request, key, lastAttempt);

    const stored = row.plan;
    if (row.chosenIndex < 0) {
      const contexts = stored.waitContexts ?? [];
      if (mayWait(request, contexts)) {
        const reason = waitReason(stored, stored.error?.message ?? 'no Kubernetes capacity now');
        await waitForCapacity({ db: this.db, queue: this.queue, waits: this.waits }, payload, request, { reason, contexts });
        return;
      }
      await this.waits.leave(this.db.manager, request.id);
      await this.fail(payload, stored);
      return;
    }
    // A plan made here left the capacity queue in the commit that stored it (PlanWriter); a stored one found again did not.
    if (!fresh) await this.waits.leave(this.db.manager, request.id);
    // The trace is the job's own, taken now: the batch is sent from whichever job's context started it.
    await this.provisions.add({ payload: { requestId: payload.requestId, clusterName: payload.clusterName, planId: row.id }, trace: currentTraceCarrier() });
  }

  private async makePlan(payload: OptimizePayload, request: RequestEntity, key: string, lastAttempt: boolean): Promise<PlanEntity> {
    const rawTask = launchPayloadOf(request.payload)?.task;
    const task = planTaskFrom(rawTask);
    const blocked = payload.blocked ?? [];
    const planId = randomUUID();
    // The first plan of a launch ends its `queued` phase (accepted by the api until the optimizer took it up).
    if (blocked.length === 0 && payload.waitRound === undefined) skyportMetrics.launchPhaseSeconds().observe({ phase: 'queued', provider: 'any' }, Math.max(0, Date.now() - request.createdAt.getTime()) / 1000);
    const planStarted = Date.now();
    const planned = await this.planner.plan({ task, blocked, planId, withContextsWhenFree: true });
    skyportMetrics.launchPhaseSeconds().observe({ phase: 'plan', provider: 'any' }, (Date.now() - planStarted) / 1000);
    const capacityError = planned.capacityError;
    // Capacity unknown (the provisioner busy or restarting) is not "nothing fits": let BullMQ retry with backoff
    // rather than fail a launch that may well fit; only the last attempt decides on what is known.
    if (capacityError && planned.plan.chosenIndex < 0 && !lastAttempt) {
      throw new SkyportError(ErrorCode.DependencyUnavailable, `Kubernetes capacity is unknown right now (${capacityError}); planning again shortly`);
    }
    // Likewise a context whose API server cannot be reached right now (a restart, a network blip): when nothing
    // else fits, wait for it through the retries instead of failing the launch at once.
    const unreachable = planned.plan.candidates.filter((c) => c.provider === 'kubernetes' && !c.feasible && c.reason.startsWith(`${c.region}: unreachable: `));
    if (unreachable.length > 0 && planned.plan.chosenIndex < 0 && !lastAttempt) {
      throw new SkyportError(ErrorCode.DependencyUnavailable, `Kubernetes context(s) ${unreachable.map((c) => c.region).join(', ')} cannot be reached right now; planning again shortly`);
    }
    const placement = placementOf(request.payload);
    const asked = namespaceAskedBy(rawTask);
    const confined = confineToTeam(planned.plan, placement, asked);
    const mine = wantsNoBurst(request) ? withoutBurst(confined) : confined;
    // A managed job's relaunch: its recovery strategy orders the feasible candidates (the lost location first or last).
    const plan = orderForRelaunch(yieldToEarlier(mine, await this.waits.heldAhead(this.db.manager, slotOf(request))), relaunchOf(request.payload));
    const waitContexts = planned.whenFree ? feasibleContexts(confineToTeam(planned.whenFree, placement, asked)) : [];
    const stored: StoredPlan = { ...plan, blocked, blockedKey: key, waitContexts, table: formatPlanTable(plan) };
    if (capacityError) stored.capacityError = capacityError;
    if (plan.chosenIndex < 0) {
      const error = noFeasibleResourcesError(plan, blocked);
      stored.error = { code: error.code, message: error.userMessage };
    }
    this.logger.info({ requestId: payload.requestId, planId, candidates: plan.candidates.length, chosen: plan.chosenIndex }, 'planned');
    const row = this.db.manager.create(PlanEntity, {
      id: planId,
      requestId: payload.requestId,
      clusterName: payload.clusterName,
      plan: stored,
      chosenIndex: plan.chosenIndex,
    });
    // A waiting --no-burst task re-plans every few seconds: its infeasible rounds are neither stored nor told
    // (request.waiting says it once); a redelivery simply plans again.
    if (payload.waitRound && plan.chosenIndex < 0) return row;
    // The plan, the request's PENDING → RUNNING and the event commit together, in one statement shared with the
    // plans finishing at the same time (PlanWriter).
    await this.writer.write({
      plan: row,
      leavesWait: plan.chosenIndex >= 0,
      event: {
        type: plan.chosenIndex >= 0 ? 'plan.created' : 'plan.infeasible',
        message: summary(plan, blocked.length),
        data: { planId, table: stored.table, ...(capacityError ? { capacityError } : {}) },
      },
    });
    return row;
  }

  private async fail(payload: OptimizePayload, stored: StoredPlan): Promise<void> {
    const message = stored.error?.message ?? 'no resources can run this task';
    const failed = await this.db.transaction(async (tx) => {
      return transitionRequest(tx, SOURCE, payload.requestId, {
        from: [RequestStatus.Running],
        to: RequestStatus.Failed,
        errorCode: ErrorCode.NoFeasibleResources,
        errorMessage: message,
        message,
        clusterName: payload.clusterName,
      });
    });
    if (failed || stored.error) {
      await this.queue.enqueue(QueueName.Teardown, { clusterName: payload.clusterName, requestId: payload.requestId, reason: 'failed-launch' });
    }
  }
}

function summary(plan: OptimizerRpc.PlanResponse, blocked: number): string {
  const again = blocked > 0 ? ` (re-plan without ${blocked} blocked candidate${blocked === 1 ? '' : 's'})` : '';
  if (plan.chosenIndex < 0) return `optimizer: no feasible resources among ${plan.candidates.length} candidates${again}`;
  const c = plan.candidates[plan.chosenIndex];
  const feasible = plan.candidates.filter((x) => x.feasible).length;
  return `optimizer: chose ${infraLabel(c)} ${c.instanceType} ($${c.totalHourlyPrice.toFixed(2)}/h); ${feasible - 1} more feasible in failover order${again}`;
}
