import { ErrorCode, SkyportError } from '@skyport/contracts';
import { kubeCall, type KubeClients } from '@skyport/kube';
import { LABEL_CREATED_VOLUME, clusterSelector } from '../pods/cluster-labels';

export interface RemainingObjects {
  pods: string[];
  services: string[];
  ingresses: string[];
  secrets: string[];
  volumes: string[];
}

function total(r: RemainingObjects): number {
  return r.pods.length + r.services.length + r.ingresses.length + r.secrets.length + r.volumes.length;
}

/** Every object of a cluster that still exists (terminating ones included). */
export async function clusterObjects(clients: KubeClients, namespace: string, clusterName: string): Promise<RemainingObjects> {
  const labelSelector = clusterSelector(clusterName);
  const ctx = clients.context.name;
  const names = (l: { items: Array<{ metadata?: { name?: string } }> }) => l.items.map((i) => i.metadata?.name ?? '');
  const [pods, services, ingresses, secrets, volumes] = await Promise.all([
    kubeCall({ verb: 'list', resource: 'pods', namespace, context: ctx }, () => clients.core.listNamespacedPod({ namespace, labelSelector })),
    kubeCall({ verb: 'list', resource: 'services', namespace, context: ctx }, () => clients.core.listNamespacedService({ namespace, labelSelector })),
    kubeCall({ verb: 'list', resource: 'ingresses', namespace, context: ctx }, () => clients.networking.listNamespacedIngress({ namespace, labelSelector })),
    kubeCall({ verb: 'list', resource: 'secrets', namespace, context: ctx }, () => clients.core.listNamespacedSecret({ namespace, labelSelector })),
    kubeCall({ verb: 'list', resource: 'persistentvolumeclaims', namespace, context: ctx }, () =>
      clients.core.listNamespacedPersistentVolumeClaim({ namespace, labelSelector: `${labelSelector},${LABEL_CREATED_VOLUME}=true` }),
    ),
  ]);
  return { pods: names(pods), services: names(services), ingresses: names(ingresses), secrets: names(secrets), volumes: names(volumes) };
}

/**
 * Deletes every object carrying the cluster's labels (pods, services, ingresses, secrets, and the volume claims
 * Skyport created) and waits until they are gone. Idempotent: a cluster with nothing left is done at once.
 */
export async function teardownCluster(
  clients: KubeClients,
  namespace: string,
  clusterName: string,
  opts: { waitMs?: number; pollMs?: number } = {},
): Promise<void> {
  const labelSelector = clusterSelector(clusterName);
  const ctx = clients.context.name;
  const op = (resource: string) => ({ verb: 'delete', resource, namespace, context: ctx });
  await Promise.all([
    kubeCall(op('pods'), () => clients.core.deleteCollectionNamespacedPod({ namespace, labelSelector })),
    kubeCall(op('services'), () => clients.core.deleteCollectionNamespacedService({ namespace, labelSelector })),
    kubeCall(op('ingresses'), () => clients.networking.deleteCollectionNamespacedIngress({ namespace, labelSelector })),
    kubeCall(op('secrets'), () => clients.core.deleteCollectionNamespacedSecret({ namespace, labelSelector })),
    kubeCall(op('persistentvolumeclaims'), () =>
      clients.core.deleteCollectionNamespacedPersistentVolumeClaim({ namespace, labelSelector: `${labelSelector},${LABEL_CREATED_VOLUME}=true` }),
    ),
  ]);
  const deadline = Date.now() + (opts.waitMs ?? 120_000);
  for (;;) {
    const left = await clusterObjects(clients, namespace, clusterName);
    if (total(left) === 0) return;
    if (Date.now() > deadline) {
      const what = Object.entries(left)
        .filter(([, v]) => (v as string[]).length > 0)
        .map(([k, v]) => `${k}: ${(v as string[]).join(', ')}`)
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
