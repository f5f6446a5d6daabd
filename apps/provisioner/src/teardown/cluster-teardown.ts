import { ErrorCode, SkyportError } from '@skyport/contracts';
import {
  LABEL_JOB_GROUP,
  clusterSelector,
  countClusterObjects,
  deleteClusterObjects,
  deleteJobGroupService,
  jobGroupHasLivePods,
  kubeCall,
  listClusterObjects,
  type KubeClients,
} from '@skyport/kube';

/**
 * Deletes every object carrying the cluster's labels (the kinds of @skyport/kube's CLUSTER_OBJECT_KINDS: pods,
 * services, ingresses, secrets, config maps, and the volume claims Skyport created) and waits until they are gone.
 * Idempotent: a cluster with nothing left is done at once.
 */
export async function teardownCluster(
  clients: KubeClients,
  namespace: string,
  clusterName: string,
  opts: { waitMs?: number; pollMs?: number } = {},
): Promise<void> {
  const ctx = clients.context.name;
  const groups = await jobGroupsOf(clients, namespace, clusterName);
  await deleteClusterObjects(clients, namespace, clusterName);
  const deadline = Date.now() + (opts.waitMs ?? 120_000);
  for (;;) {
    const left = await listClusterObjects(clients, namespace, clusterName);
    if (countClusterObjects(left) === 0) return await endJobGroups(clients, namespace, groups);
    if (Date.now() > deadline) {
      const what = Object.entries(left)
        .filter(([, v]) => v.length > 0)
        .map(([k, v]) => `${k}: ${v.join(', ')}`)
        .join('; ');
      throw new SkyportError(
        ErrorCode.ProvisionTimeout,
        `Cluster ${clusterName} is not fully deleted yet (${what}). Teardown will be retried; ` +
          `\`kubectl --context ${ctx} -n ${namespace} get all -l skyport.dev/cluster=${clusterName}\` shows what is left.`,
        { remaining: left },
      );
    }
    await new Promise((r) => setTimeout(r, opts.pollMs ?? 300));
  }
}

/** The job groups (managed job ids) the cluster's pods belong to: read before they are deleted. */
async function jobGroupsOf(clients: KubeClients, namespace: string, clusterName: string): Promise<number[]> {
  const op = { verb: 'list', resource: 'pods', namespace, context: clients.context.name };
  const { items } = await kubeCall(op, () => clients.core.listNamespacedPod({ namespace, labelSelector: `${clusterSelector(clusterName)},${LABEL_JOB_GROUP}` }));
  return [...new Set(items.map((p) => Number(p.metadata?.labels?.[LABEL_JOB_GROUP])).filter(Number.isInteger))];
}

/**
 * A job group's Service outlives each task's cluster (a recovery keeps it); it goes with the group's last pods. A
 * launch of the group running meanwhile creates it again once its pods run (kube-launcher), and the reaper
 * removes one left behind (a teardown that ended before this point).
 */
async function endJobGroups(clients: KubeClients, namespace: string, groups: number[]): Promise<void> {
  for (const id of groups) {
    if (!(await jobGroupHasLivePods(clients, namespace, id))) await deleteJobGroupService(clients, namespace, id);
  }
}
