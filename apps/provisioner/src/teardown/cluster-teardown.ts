import { ErrorCode, SkyportError } from '@skyport/contracts';
import { countClusterObjects, deleteClusterObjects, listClusterObjects, type KubeClients } from '@skyport/kube';

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
  await deleteClusterObjects(clients, namespace, clusterName);
  const deadline = Date.now() + (opts.waitMs ?? 120_000);
  for (;;) {
    const left = await listClusterObjects(clients, namespace, clusterName);
    if (countClusterObjects(left) === 0) return;
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
