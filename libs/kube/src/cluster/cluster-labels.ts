import { NODE_LABELS } from '@skyport/contracts';

/**
 * The label vocabulary of Skyport's Kubernetes objects. What a launch writes, teardown and the autodown reaper
 * select by, so it lives here once (the keys a node script reads too stay in contracts' NODE_LABELS).
 */
export const LABEL_CLUSTER = NODE_LABELS.cluster;
export const LABEL_NODE_RANK = NODE_LABELS.nodeRank;
export const LABEL_USER = 'skyport.dev/user';
export const LABEL_MANAGED_BY = NODE_LABELS.managedBy;
export const MANAGED_BY = NODE_LABELS.managedByValue;
/** On PVCs Skyport created itself (deleted at teardown); a user's existing claim never carries it. */
export const LABEL_CREATED_VOLUME = 'skyport.dev/created-volume';
export const ANNOTATION_DISPLAY_NAME = 'skyport.dev/display-name';
export const ANNOTATION_AUTOSTOP = 'skyport.dev/autostop';
export const ANNOTATION_REQUEST = 'skyport.dev/request-id';

/** The objects of one cluster. */
export function clusterSelector(clusterName: string): string {
  return `${LABEL_CLUSTER}=${clusterName},${LABEL_MANAGED_BY}=${MANAGED_BY}`;
}

/** The objects of every Skyport cluster (both labels present): what the reaper looks at. */
export const ANY_CLUSTER_SELECTOR = `${LABEL_MANAGED_BY}=${MANAGED_BY},${LABEL_CLUSTER}`;
