import { ErrorCode, SkyportError } from '@skyport/contracts';

interface Placement {
  team: string;
  namespaces: Array<{ context: string; namespace: string }>;
}

function placementIn(payload: unknown): Placement | undefined {
  const p = (payload as { placement?: Placement } | null)?.placement;
  return p && Array.isArray(p.namespaces) && p.namespaces.length > 0 ? p : undefined;
}

/**
 * The namespace a launch goes into on a context. A team's launch (the request carries the team's `placement`)
 * goes into the team's namespace there, which the optimizer put on the candidate; anything else is refused, so a
 * stale or hand-made plan cannot put a team's pods into another team's namespace. Other launches keep the usual
 * order: the settings' namespace, the candidate's, the context's default.
 */
export function namespaceFor(args: { payload: unknown; context: string; candidateNamespace?: string; settingsNamespace?: string; contextDefault: string }): string {
  const placement = placementIn(args.payload);
  if (!placement) return args.settingsNamespace || args.candidateNamespace || args.contextDefault;
  const mine = placement.namespaces.filter((n) => n.context === args.context).map((n) => n.namespace);
  const chosen = args.candidateNamespace && mine.includes(args.candidateNamespace) ? args.candidateNamespace : mine[0];
  if (!chosen) {
    throw new SkyportError(ErrorCode.Forbidden, `team '${placement.team}' has no namespace on context '${args.context}'; an admin can add one (its contexts: ${[...new Set(placement.namespaces.map((n) => n.context))].join(', ')})`, {
      reason: 'no-team-namespace',
      context: args.context,
    });
  }
  return chosen;
}
