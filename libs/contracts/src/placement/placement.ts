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

/**
 * A launch request payload's `placement` (`requests.payload`), when it is well formed and names at least one
 * namespace: the one reader the optimizer and the provisioner share (a hand-made row is not trusted).
 */
export function placementOf(payload: unknown): Placement | undefined {
  const p = (payload as { placement?: Partial<Placement> } | null)?.placement;
  if (!p || typeof p.team !== 'string' || !Array.isArray(p.namespaces)) return undefined;
  const namespaces = p.namespaces.filter((n) => typeof n?.context === 'string' && typeof n?.namespace === 'string');
  return namespaces.length > 0 ? { team: p.team, namespaces } : undefined;
}
