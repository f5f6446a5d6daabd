import type { sendUnaryData, ServerUnaryCall, ServiceError } from '@grpc/grpc-js';
import { OptimizerRpc } from '@skyport/contracts';
import { toGrpcError, type GrpcServiceBinding } from '@skyport/service-kit';
import type { Logger } from '@skyport/service-kit';
import type { PlanService } from '../plan/plan.service';
import { planTaskFromJson } from '../plan/task-json';

/**
 * `Optimizer.Plan` for `launch --dryrun` (through the api): the same planner as the optimize consumer, nothing
 * stored. A plan without a feasible candidate is still an answer (chosen_index -1, every reason), not an error.
 */
export function optimizerGrpcService(planner: PlanService, logger: Logger): GrpcServiceBinding {
  const implementation: OptimizerRpc.OptimizerServer = {
    plan: (call: ServerUnaryCall<OptimizerRpc.PlanRequest, OptimizerRpc.PlanResponse>, callback: sendUnaryData<OptimizerRpc.PlanResponse>) => {
      const started = Date.now();
      void (async () => {
        try {
          const task = planTaskFromJson(call.request.taskJson);
          const { plan } = await planner.plan({ task, blocked: call.request.blocked, contexts: call.request.contexts });
          logger.debug({ ms: Date.now() - started, candidates: plan.candidates.length }, 'Optimizer.Plan');
          callback(null, plan);
        } catch (error) {
          logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'Optimizer.Plan failed');
          callback(toGrpcError(error) as ServiceError, null);
        }
      })();
    },
  };
  return { definition: OptimizerRpc.OptimizerService, implementation };
}
