import { NODE_CONTAINER, NODE_LABELS } from '@skyport/contracts';
import { kubeCall, kubernetesContextOf, type KubeClientProvider, type V1Pod } from '@skyport/kube';

/**
 * Why a node of a cluster stopped, in the words a user can act on: the pod was deleted, or its container ended
 * (exit code and reason as the kubelet recorded them — `OOMKilled`, `Error`, `ContainerCannotRun`, …), or it is
 * not running for another reason. One sentence per node that is not running; empty when all are.
 */
export function describeNodeLoss(pods: readonly V1Pod[], numNodes: number): string[] {
  const byRank = new Map<number, V1Pod>();
  for (const p of pods) byRank.set(Number(p.metadata?.labels?.[NODE_LABELS.nodeRank] ?? 0), p);
  const out: string[] = [];
  for (let rank = 0; rank < numNodes; rank++) {
    const pod = byRank.get(rank);
    if (!pod) {
      out.push(`node ${rank}: its pod was deleted`);
      continue;
    }
    const name = pod.metadata?.name ?? `rank ${rank}`;
    const status = pod.status?.containerStatuses?.find((c) => c.name === NODE_CONTAINER) ?? pod.status?.containerStatuses?.[0];
    const ended = status?.state?.terminated ?? (status?.state?.running ? undefined : status?.lastState?.terminated);
    const deleting = pod.metadata?.deletionTimestamp ? ' (the pod is being deleted)' : '';
    if (ended) {
      const why = [ended.reason, ended.signal ? `signal ${ended.signal}` : undefined, ended.message?.trim().slice(0, 200)].filter(Boolean).join(': ');
      out.push(`node ${rank}: pod ${name}'s container exited with code ${ended.exitCode}${why ? ` (${why})` : ''}${deleting}`);
    } else if (deleting) {
      out.push(`node ${rank}: pod ${name} is being deleted`);
    } else if (pod.status?.phase !== 'Running') {
      const reason = status?.state?.waiting?.reason ?? pod.status?.reason;
      out.push(`node ${rank}: pod ${name} is ${pod.status?.phase ?? 'Unknown'}${reason ? ` (${reason})` : ''}`);
    }
  }
  return out;
}

/** describeNodeLoss for a cluster on Kubernetes (deleted and terminating pods included); [] when not on Kubernetes or unknowable. */
export async function nodeLossOf(kube: KubeClientProvider, cluster: { name: string; infra: string | null; namespace: string | null; numNodes: number }): Promise<string[]> {
  const context = kubernetesContextOf(cluster.infra);
  if (!context) return [];
  try {
    const clients = kube.forContext(context);
    const namespace = cluster.namespace ?? clients.context.namespace;
    const selector = `${NODE_LABELS.cluster}=${cluster.name},${NODE_LABELS.managedBy}=${NODE_LABELS.managedByValue}`;
    const list = await kubeCall({ verb: 'list', resource: 'pods', namespace, context }, () => clients.core.listNamespacedPod({ namespace, labelSelector: selector }));
    return describeNodeLoss(list.items, cluster.numNodes);
  } catch {
    return [];
  }
}
