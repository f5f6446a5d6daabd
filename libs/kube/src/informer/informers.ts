import type { CoreV1Event, KubernetesListObject, KubernetesObject, V1Node, V1Pod } from '@kubernetes/client-node';
import type { KubeClients } from '../client/kube-client.provider';
import { ResourceInformer } from './resource-informer';

export interface InformerScope {
  /** Omit for every namespace (needs cluster-wide list/watch permission). */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
}

type Selectors = { labelSelector?: string; fieldSelector?: string };

function namespacedInformer<T extends KubernetesObject>(
  clients: KubeClients,
  scope: InformerScope,
  resource: string,
  listIn: (namespace: string, sel: Selectors) => Promise<KubernetesListObject<T>>,
  listAll: (sel: Selectors) => Promise<KubernetesListObject<T>>,
): ResourceInformer<T> {
  const { namespace } = scope;
  return new ResourceInformer<T>({
    ...scope,
    clients,
    resource,
    path: namespace ? `/api/v1/namespaces/${namespace}/${resource}` : `/api/v1/${resource}`,
    list: (sel) => (namespace ? listIn(namespace, sel) : listAll(sel)),
  });
}

export function podInformer(clients: KubeClients, scope: InformerScope = {}): ResourceInformer<V1Pod> {
  return namespacedInformer<V1Pod>(
    clients,
    scope,
    'pods',
    (namespace, sel) => clients.core.listNamespacedPod({ namespace, ...sel }),
    (sel) => clients.core.listPodForAllNamespaces(sel),
  );
}

export function eventInformer(clients: KubeClients, scope: InformerScope = {}): ResourceInformer<CoreV1Event> {
  return namespacedInformer<CoreV1Event>(
    clients,
    scope,
    'events',
    (namespace, sel) => clients.core.listNamespacedEvent({ namespace, ...sel }),
    (sel) => clients.core.listEventForAllNamespaces(sel),
  );
}

export function nodeInformer(clients: KubeClients, scope: Omit<InformerScope, 'namespace'> = {}): ResourceInformer<V1Node> {
  return new ResourceInformer<V1Node>({ ...scope, clients, resource: 'nodes', path: '/api/v1/nodes', list: (sel) => clients.core.listNode(sel) });
}
