/** One Kubernetes namespace a team may use, on one context. */
export interface PlacementNamespace {
  context: string;
  namespace: string;
}

/**
 * Where a team may run: its namespaces per Kubernetes context. The api stores it with the request (the payload's
 * `placement`); the optimizer confines the plan to it and the provisioner creates the cluster in it.
 */
export interface Placement {
  team: string;
  namespaces: PlacementNamespace[];
}
