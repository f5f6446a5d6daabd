import { NODE_CONTAINER } from '@skyport/contracts';

/** The label vocabulary is @skyport/kube's (teardown and the reaper select by it); re-exported for the builders. */
export {
  LABEL_CLUSTER,
  LABEL_NODE_RANK,
  LABEL_USER,
  LABEL_MANAGED_BY,
  MANAGED_BY,
  LABEL_CREATED_VOLUME,
  ANNOTATION_DISPLAY_NAME,
  ANNOTATION_AUTOSTOP,
  ANNOTATION_REQUEST,
  clusterSelector,
} from '@skyport/kube';
import { LABEL_MANAGED_BY } from '@skyport/kube';

/** The container that keeps a node alive and that setup and jobs are exec'd into. */
export const MAIN_CONTAINER = NODE_CONTAINER;


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
