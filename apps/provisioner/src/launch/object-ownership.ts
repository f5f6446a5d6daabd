import { ErrorCode, SkyportError } from '@skyport/contracts';
import { LABEL_CLUSTER, LABEL_MANAGED_BY, MANAGED_BY } from '../pods/cluster-labels';

interface Meta {
  metadata?: { labels?: Record<string, string> } | null;
}

/** The object carries this cluster's owner labels: Skyport made it for this very cluster. */
export function ownedByCluster(object: Meta | undefined, clusterName: string): boolean {
  const labels = object?.metadata?.labels ?? {};
  return labels[LABEL_CLUSTER] === clusterName && labels[LABEL_MANAGED_BY] === MANAGED_BY;
}

/**
 * The refusal when an object of the cluster's name exists and is not this cluster's: Skyport never replaces or
 * adopts another's object (another team's Secret, a hand-made Service, another cluster's port Service).
 */
export function foreignObjectError(kind: string, name: string, namespace: string, context: string, clusterName: string, object: Meta | undefined): SkyportError {
  const owner = object?.metadata?.labels?.[LABEL_CLUSTER];
  return new SkyportError(
    ErrorCode.Conflict,
    `a ${kind} named '${name}' already exists in namespace '${namespace}' (context '${context}') and does not belong to cluster '${clusterName}'` +
      `${owner ? ` (it belongs to cluster '${owner}')` : ' (it lacks the label skyport.dev/cluster)'}; Skyport never replaces another's object: launch under another cluster name, or have its owner remove it`,
    { reason: 'foreign-object', kind, name, namespace, context },
  );
}
