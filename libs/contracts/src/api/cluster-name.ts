/**
 * Cluster names become Kubernetes object names (`<name>-head`, `<name>-worker-12`, `<name>-ports`), so they
 * must be DNS-1123 labels short enough for every suffix we add.
 */
export const CLUSTER_NAME_MAX_LENGTH = 42;
export const CLUSTER_NAME_PATTERN = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/** Returns null when the name is valid, else a message saying what to change. */
export function clusterNameProblem(name: string): string | null {
  if (name.length === 0) return 'the cluster name is empty';
  if (name.length > CLUSTER_NAME_MAX_LENGTH) {
    return `the cluster name '${name}' is ${name.length} characters long; the limit is ${CLUSTER_NAME_MAX_LENGTH} so that Kubernetes object names derived from it fit`;
  }
  if (!CLUSTER_NAME_PATTERN.test(name)) {
    return `the cluster name '${name}' is not valid: use lower-case letters, digits and '-', starting with a letter and ending with a letter or digit (a Kubernetes DNS-1123 label), e.g. '${suggestClusterName(name)}'`;
  }
  return null;
}

function suggestClusterName(name: string): string {
  const cleaned = name
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^[^a-z]+/, '')
    .replace(/-+$/, '')
    .slice(0, CLUSTER_NAME_MAX_LENGTH)
    .replace(/-+$/, '');
  return cleaned || 'my-cluster';
}
