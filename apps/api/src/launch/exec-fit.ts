import { ErrorCode, SkyportError } from '@skyport/contracts';
import { jobDemandOf, neverFitsReason, nodeResourcesOf, type TaskSpec } from '@skyport/task-spec';

/**
 * A job for a running cluster that no node of it could ever hold is refused when it is submitted (as `sky exec`
 * refuses resources that do not fit the cluster), rather than waiting forever at the head of the job queue.
 */
export function checkJobFitsCluster(cluster: { name: string; infra: string | null; instance_type: string | null }, task: TaskSpec): void {
  const node = nodeResourcesOf({ infra: cluster.infra, instanceType: cluster.instance_type });
  if (!node) return;
  const demand = jobDemandOf(task, node);
  const reason = neverFitsReason(demand, node);
  if (!reason) return;
  throw new SkyportError(
    ErrorCode.NoFeasibleResources,
    `the job cannot run on cluster '${cluster.name}': ${reason}; ask for less (--cpus, --memory, --gpus) or launch a cluster with bigger nodes`,
    { reason: 'RESOURCES_DO_NOT_FIT_CLUSTER', demand, node },
  );
}
