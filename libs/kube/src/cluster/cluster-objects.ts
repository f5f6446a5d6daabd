import type { KubeClients } from '../client/kube-client.provider';
import { kubeCall, kubeCallOrUndefined } from '../errors/kube-error.translator';
import { ANY_CLUSTER_SELECTOR, LABEL_CLUSTER, LABEL_CREATED_VOLUME, clusterSelector } from './cluster-labels';

/**
 * The kinds of object that make up a Skyport cluster on Kubernetes. Teardown deletes them and the autodown reaper
 * deletes orphans of them, both from this one list, so neither can leave behind something the other removes.
 * A launch creates pods, services (headless and port), an ingress, the cluster's secret and ephemeral volume
 * claims; config maps are in the set because the reaper has always removed labelled ones.
 */
export const CLUSTER_OBJECT_KINDS = ['pod', 'service', 'ingress', 'secret', 'persistentvolumeclaim', 'configmap'] as const;
export type ClusterObjectKind = (typeof CLUSTER_OBJECT_KINDS)[number];

/** The names of a cluster's objects that still exist (terminating ones included), by kind. */
export type ClusterObjectNames = Record<ClusterObjectKind, string[]>;

/** One labelled object as a listing sees it. */
export interface ClusterObjectMeta {
  metadata?: { name?: string; namespace?: string; labels?: Record<string, string>; creationTimestamp?: Date | string; deletionTimestamp?: Date | string };
}

interface KindCalls {
  /** The API's plural (the `resource` of kubeCall's metrics and errors). */
  resource: string;
  /**
   * Labels every object of this kind must carry as well: only the claims Skyport created itself are its to delete
   * (a user's existing volume mounted by a cluster never carries `created-volume`).
   */
  alsoSelect?: string;
  list(c: KubeClients, namespace: string | undefined, labelSelector: string): Promise<{ items: ClusterObjectMeta[] }>;
  delete(c: KubeClients, namespace: string, name: string): Promise<unknown>;
  /** Absent where the chart's Role grants only list and delete (config maps): those are deleted one by one. */
  deleteCollection?(c: KubeClients, namespace: string, labelSelector: string): Promise<unknown>;
}

const KINDS: Record<ClusterObjectKind, KindCalls> = {
  pod: {
    resource: 'pods',
    list: (c, ns, labelSelector) => (ns ? c.core.listNamespacedPod({ namespace: ns, labelSelector }) : c.core.listPodForAllNamespaces({ labelSelector })),
    delete: (c, namespace, name) => c.core.deleteNamespacedPod({ namespace, name }),
    deleteCollection: (c, namespace, labelSelector) => c.core.deleteCollectionNamespacedPod({ namespace, labelSelector }),
  },
  service: {
    resource: 'services',
    list: (c, ns, labelSelector) => (ns ? c.core.listNamespacedService({ namespace: ns, labelSelector }) : c.core.listServiceForAllNamespaces({ labelSelector })),
    delete: (c, namespace, name) => c.core.deleteNamespacedService({ namespace, name }),
    deleteCollection: (c, namespace, labelSelector) => c.core.deleteCollectionNamespacedService({ namespace, labelSelector }),
  },
  ingress: {
    resource: 'ingresses',
    list: (c, ns, labelSelector) =>
      ns ? c.networking.listNamespacedIngress({ namespace: ns, labelSelector }) : c.networking.listIngressForAllNamespaces({ labelSelector }),
    delete: (c, namespace, name) => c.networking.deleteNamespacedIngress({ namespace, name }),
    deleteCollection: (c, namespace, labelSelector) => c.networking.deleteCollectionNamespacedIngress({ namespace, labelSelector }),
  },
  secret: {
    resource: 'secrets',
    list: (c, ns, labelSelector) => (ns ? c.core.listNamespacedSecret({ namespace: ns, labelSelector }) : c.core.listSecretForAllNamespaces({ labelSelector })),
    delete: (c, namespace, name) => c.core.deleteNamespacedSecret({ namespace, name }),
    deleteCollection: (c, namespace, labelSelector) => c.core.deleteCollectionNamespacedSecret({ namespace, labelSelector }),
  },
  persistentvolumeclaim: {
    resource: 'persistentvolumeclaims',
    alsoSelect: `${LABEL_CREATED_VOLUME}=true`,
    list: (c, ns, labelSelector) =>
      ns ? c.core.listNamespacedPersistentVolumeClaim({ namespace: ns, labelSelector }) : c.core.listPersistentVolumeClaimForAllNamespaces({ labelSelector }),
    delete: (c, namespace, name) => c.core.deleteNamespacedPersistentVolumeClaim({ namespace, name }),
    deleteCollection: (c, namespace, labelSelector) => c.core.deleteCollectionNamespacedPersistentVolumeClaim({ namespace, labelSelector }),
  },
  configmap: {
    resource: 'configmaps',
    list: (c, ns, labelSelector) => (ns ? c.core.listNamespacedConfigMap({ namespace: ns, labelSelector }) : c.core.listConfigMapForAllNamespaces({ labelSelector })),
    delete: (c, namespace, name) => c.core.deleteNamespacedConfigMap({ namespace, name }),
  },
};

/** The label selector that finds this kind's objects among those `base` selects. */
export function clusterObjectSelector(kind: ClusterObjectKind, base: string): string {
  const also = KINDS[kind].alsoSelect;
  return also ? `${base},${also}` : base;
}

/** The API's plural of a kind (`persistentvolumeclaims`). */
export function clusterObjectResource(kind: ClusterObjectKind): string {
  return KINDS[kind].resource;
}

function listKind(c: KubeClients, kind: ClusterObjectKind, namespace: string | undefined, base: string): Promise<{ items: ClusterObjectMeta[] }> {
  const { resource } = KINDS[kind];
  return kubeCall({ verb: 'list', resource, namespace, context: c.context.name }, () => KINDS[kind].list(c, namespace, clusterObjectSelector(kind, base)));
}

/** Every object of a cluster that still exists (terminating ones included), by kind. */
export async function listClusterObjects(c: KubeClients, namespace: string, clusterName: string): Promise<ClusterObjectNames> {
  const base = clusterSelector(clusterName);
  const lists = await Promise.all(CLUSTER_OBJECT_KINDS.map((kind) => listKind(c, kind, namespace, base)));
  const names = Object.fromEntries(CLUSTER_OBJECT_KINDS.map((kind, i) => [kind, lists[i].items.map((o) => o.metadata?.name ?? '')]));
  return names as ClusterObjectNames;
}

/** How many objects a listing names. */
export function countClusterObjects(names: ClusterObjectNames): number {
  return CLUSTER_OBJECT_KINDS.reduce((n, kind) => n + names[kind].length, 0);
}

/** Asks the API server to delete every object of a cluster (it returns before they are gone). */
export async function deleteClusterObjects(c: KubeClients, namespace: string, clusterName: string): Promise<void> {
  const base = clusterSelector(clusterName);
  const context = c.context.name;
  await Promise.all(
    CLUSTER_OBJECT_KINDS.map(async (kind) => {
      const { resource, deleteCollection } = KINDS[kind];
      const labelSelector = clusterObjectSelector(kind, base);
      if (deleteCollection) {
        await kubeCall({ verb: 'delete', resource, namespace, context }, () => deleteCollection(c, namespace, labelSelector));
        return;
      }
      const { items } = await listKind(c, kind, namespace, base);
      await Promise.all(items.filter((o) => !o.metadata?.deletionTimestamp).map((o) => deleteClusterObject(c, kind, namespace, o.metadata?.name ?? '')));
    }),
  );
}

/** One labelled object of some Skyport cluster. */
export interface LabelledClusterObject {
  kind: ClusterObjectKind;
  namespace: string;
  name: string;
  clusterName: string;
  createdAt: Date;
}

/**
 * Every object of every Skyport cluster in a namespace (all namespaces when none is given), not counting those
 * already being deleted.
 */
export async function listLabelledClusterObjects(c: KubeClients, namespace?: string): Promise<LabelledClusterObject[]> {
  const lists = await Promise.all(CLUSTER_OBJECT_KINDS.map((kind) => listKind(c, kind, namespace, ANY_CLUSTER_SELECTOR)));
  return CLUSTER_OBJECT_KINDS.flatMap((kind, i) =>
    lists[i].items.flatMap((item) => {
      const m = item.metadata;
      const clusterName = m?.labels?.[LABEL_CLUSTER];
      if (!m?.name || !m.namespace || !clusterName || m.deletionTimestamp) return [];
      return [{ kind, namespace: m.namespace, name: m.name, clusterName, createdAt: new Date(m.creationTimestamp ?? 0) }];
    }),
  );
}

/** Deletes one object; one already gone is not an error. */
export async function deleteClusterObject(c: KubeClients, kind: ClusterObjectKind, namespace: string, name: string): Promise<void> {
  const op = { verb: 'delete', resource: KINDS[kind].resource, name, namespace, context: c.context.name };
  await kubeCallOrUndefined(op, () => KINDS[kind].delete(c, namespace, name));
}
