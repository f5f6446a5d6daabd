import { NODE_CONTAINER, NODE_LABELS } from '@skyport/contracts';

/** Label and annotation keys Skyport puts on every object it creates (shared keys live in contracts). */
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

/** The container that keeps a node alive and that setup and jobs are exec'd into. */
export const MAIN_CONTAINER = NODE_CONTAINER;

export function clusterSelector(clusterName: string): string {
  return `${LABEL_CLUSTER}=${clusterName},${LABEL_MANAGED_BY}=${MANAGED_BY}`;
}

export function podName(clusterName: string, rank: number): string {
  return rank === 0 ? `${clusterName}-head` : `${clusterName}-worker-${rank}`;
}

const NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const PREFIX = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Why a label key/value pair is not a valid Kubernetes label, or null. */
export function labelProblem(key: string, value: string): string | null {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : '';
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (slash >= 0 && (prefix.length === 0 || prefix.length > 253 || !PREFIX.test(prefix))) {
    return `label key '${key}' has an invalid prefix: it must be a DNS subdomain such as 'example.com'`;
  }
  if (name.length === 0 || name.length > 63 || !NAME.test(name)) {
    return `label key '${key}' is invalid: at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit`;
  }
  if (value.length > 63 || (value.length > 0 && !NAME.test(value))) {
    return `label value '${value}' (key '${key}') is invalid: at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit`;
  }
  if (key.startsWith('skyport.dev/') || key === LABEL_MANAGED_BY) return `label key '${key}' is reserved for Skyport`;
  return null;
}
