import type { Catalog } from '@skyport/catalog';
import { ErrorCode, SkyportError, type OptimizerRpc } from '@skyport/contracts';
import { planTask, type BlockedCandidateInput, type PlanTask } from '@skyport/planner';
import type { CapacitySource } from '../capacity/capacity.source';
import { capacityWhenFree } from './capacity-when-free';
import { plannerConfig, type PlanSettings } from './plan-settings';

export interface PlanCall {
  task: PlanTask;
  blocked?: readonly BlockedCandidateInput[];
  /** Restrict to these contexts (a subset of the allowed ones); empty = all allowed. */
  contexts?: readonly string[];
  planId?: string;
  /** Also work out which contexts could run the task once their capacity frees (for a launch that may wait). */
  withContextsWhenFree?: boolean;
}

export interface PlanOutcome {
  plan: OptimizerRpc.PlanResponse;
  /** Set when the provisioner's snapshot was missing; every Kubernetes candidate then says so. */
  capacityError?: string;
  /** With `withContextsWhenFree`: the same plan on the capacity as it would be with every pod gone. */
  whenFree?: OptimizerRpc.PlanResponse;
}

/**
 * Plans a task: the provisioner's capacity snapshot + catalogs + settings into the planner. Shared by the
 * `optimize` consumer and the `Optimizer.Plan` gRPC method, so `launch --dryrun` shows what a launch would do.
 */
export class PlanService {
  constructor(
    private readonly capacity: CapacitySource,
    private readonly settings: PlanSettings,
    private readonly catalog: Catalog,
  ) {}

  async plan(call: PlanCall): Promise<PlanOutcome> {
    const wanted = this.contextsToAsk(call.contexts ?? []);
    if ((call.contexts ?? []).length > 0 && wanted.length === 0) {
      throw new SkyportError(
        ErrorCode.InvalidRequest,
        `none of the contexts asked for (${(call.contexts ?? []).join(', ')}) is allowed; allowed: ${this.settings.allowedContexts.join(', ')}`,
      );
    }
    const snapshot = await this.capacity.capacity(wanted);
    const allowed = this.allowedContexts(wanted, snapshot.contexts.map((c) => c.context));
    const input = {
      task: call.task,
      capacity: snapshot.contexts,
      catalog: this.catalog,
      config: plannerConfig(this.settings, allowed),
      blocked: call.blocked,
      planId: call.planId,
      capacityError: snapshot.error,
    };
    const plan = planTask(input);
    if (!call.withContextsWhenFree) return { plan, capacityError: snapshot.error };
    return { plan, capacityError: snapshot.error, whenFree: planTask({ ...input, capacity: capacityWhenFree(snapshot.contexts) }) };
  }

  private contextsToAsk(requested: readonly string[]): string[] {
    const configured = this.settings.allowedContexts;
    if (requested.length === 0) return [...configured];
    return configured.length === 0 ? [...requested] : requested.filter((c) => configured.includes(c));
  }

  // Configured contexts are known even when the provisioner is not; otherwise the provisioner's list is the list.
  private allowedContexts(asked: readonly string[], reported: readonly string[]): string[] {
    if (asked.length > 0) return [...asked];
    return [...reported];
  }
}
