import { Inject, Injectable } from '@nestjs/common';
import { ErrorCode, OptimizerRpc, SkyportError, clusterNameProblem, type LaunchRequestBody } from '@skyport/contracts';
import { callUnary } from '@skyport/service-kit';
import { resolveTask } from '../launch/launch-body';
import { OPTIMIZER_CLIENT } from './optimizer-client.provider';

/** `launch --dryrun`: the optimizer's plan for the task, through `Optimizer.Plan`; nothing is written. */
@Injectable()
export class DryrunService {
  constructor(@Inject(OPTIMIZER_CLIENT) private readonly optimizer: OptimizerRpc.OptimizerClient) {}

  async plan(clusterName: string, body: LaunchRequestBody): Promise<{ dryrun: true; plan: OptimizerRpc.PlanResponse }> {
    const problem = clusterNameProblem(clusterName);
    if (problem) throw new SkyportError(ErrorCode.InvalidClusterName, problem, { clusterName });
    const { task } = resolveTask(body);
    const plan = await callUnary(this.optimizer.plan.bind(this.optimizer), { taskJson: JSON.stringify(task), clusterName, blocked: [], contexts: [] }, 15_000);
    return { dryrun: true, plan };
  }
}
