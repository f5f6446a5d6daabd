import { ErrorCode, NODE_CONTAINER, NODE_LABELS, SkyportError } from '@skyport/contracts';
import type { KubeClientProvider } from '../client/kube-client.provider';
import { kubeCall } from '../errors/kube-error.translator';
import type { ExecTarget } from '../exec/pod-exec';

/** Where a Skyport cluster lives, as its row records it (`infra` is `kubernetes/<context>`). */
export interface ClusterPlacement {
  name: string;
  infra: string | null;
  namespace: string | null;
  /** Its node count, when the caller knows it: the pods can then be named without listing them. */
  numNodes?: number;
}

/** The name of the pod of a cluster's node `rank` (the provisioner names them so; pod_config cannot rename them). */
export function clusterPodName(clusterName: string, rank: number): string {
  return rank === 0 ? `${clusterName}-head` : `${clusterName}-worker-${rank}`;
}

/** One node (pod) of a Skyport cluster, ready to exec into. */
export interface ClusterNode {
  rank: number;
  pod: string;
  /** The pod's IP, for SKYPILOT_NODE_IPS only: Skyport never connects to it. */
  ip: string;
  phase: string;
  target: ExecTarget;
}

/** The Kubernetes context of a cluster placed on Kubernetes, or undefined (not placed, or on a cloud). */
export function kubernetesContextOf(infra: string | null): string | undefined {
  if (!infra || !infra.startsWith('kubernetes/')) return undefined;
  return infra.slice('kubernetes/'.length);
}

/**
 * The cluster's pods ordered by node rank (the `skyport.dev/node-rank` label), found by label selector, so
 * callers never depend on how pods are named.
 */
export async function listClusterNodes(provider: KubeClientProvider, cluster: ClusterPlacement): Promise<ClusterNode[]> {
  const { context, clients } = kubeClientsOf(provider, cluster);
  const namespace = cluster.namespace ?? clients.context.namespace;
  const selector = `${NODE_LABELS.cluster}=${cluster.name},${NODE_LABELS.managedBy}=${NODE_LABELS.managedByValue}`;
  const list = await kubeCall({ verb: 'list', resource: 'pods', namespace, context }, () =>
    clients.core.listNamespacedPod({ namespace, labelSelector: selector }),
  );
  return list.items
    .filter((p) => !p.metadata?.deletionTimestamp)
    .map((p) => ({
      rank: Number(p.metadata?.labels?.[NODE_LABELS.nodeRank] ?? 0),
      pod: p.metadata?.name ?? '',
      ip: p.status?.podIP ?? '',
      phase: p.status?.phase ?? 'Unknown',
      target: { clients, namespace, pod: p.metadata?.name ?? '', container: NODE_CONTAINER },
    }))
    .sort((a, b) => a.rank - b.rank);
}

/**
 * The cluster's nodes by name, with no request to the API server: for callers that only exec into them and
 * treat a missing pod as a missing node. The IP and phase are unknown (empty, 'Unknown').
 */
export function namedClusterNodes(provider: KubeClientProvider, cluster: ClusterPlacement & { numNodes: number }): ClusterNode[] {
  const { clients } = kubeClientsOf(provider, cluster);
  const namespace = cluster.namespace ?? clients.context.namespace;
  return Array.from({ length: cluster.numNodes }, (_, rank) => {
    const pod = clusterPodName(cluster.name, rank);
    return { rank, pod, ip: '', phase: 'Unknown', target: { clients, namespace, pod, container: NODE_CONTAINER } };
  });
}

function kubeClientsOf(provider: KubeClientProvider, cluster: ClusterPlacement) {
  const context = kubernetesContextOf(cluster.infra);
  if (!context) {
    throw new SkyportError(ErrorCode.Conflict, `cluster '${cluster.name}' is not running on Kubernetes (infra: ${cluster.infra ?? 'not placed yet'})`, {
      clusterName: cluster.name,
    });
  }
  return { context, clients: provider.forContext(context) };
}
