import { ErrorCode, NODE_LABELS, SkyportError, isSkyportError, placementOf } from '@skyport/contracts';
import { isKubeConflict, kubeCall, kubeCallOrUndefined, type KubeClients } from '@skyport/kube';

/**
 * The namespace a launch goes into on a context. A team's launch (the request carries the team's `placement`)
 * goes into the team's namespace there, which the optimizer put on the candidate; anything else is refused, so a
 * stale or hand-made plan cannot put a team's pods into another team's namespace. Other launches keep the usual
 * order: the settings' namespace, the candidate's, the context's default.
 */
export function namespaceFor(args: { payload: unknown; context: string; candidateNamespace?: string; settingsNamespace?: string; contextDefault: string }): string {
  const placement = placementOf(args.payload);
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

export const PSA_ENFORCE = 'pod-security.kubernetes.io/enforce';
export const LABEL_TEAM = 'skyport.dev/team';

/**
 * A team's namespace is one Skyport manages: it is created when missing, and it carries a Pod Security Admission
 * `enforce` label (the admin's `policy.pod_security_enforce`, `baseline` by default) so Kubernetes itself refuses
 * privileged pods there even if something got past the policy. A label an admin already put on the namespace is
 * theirs and kept. Other launches (no team placement) leave the namespace alone.
 */
export async function secureTeamNamespace(
  clients: KubeClients,
  namespace: string,
  payload: unknown,
  level: string,
  log: (message: string, data?: Record<string, unknown>) => void = () => undefined,
): Promise<void> {
  const placement = placementOf(payload);
  if (!placement) return;
  const op = { resource: 'namespaces', name: namespace, context: clients.context.name };
  try {
    const existing = await kubeCallOrUndefined({ ...op, verb: 'get' }, () => clients.core.readNamespace({ name: namespace }));
    if (!existing) {
      const labels = { [PSA_ENFORCE]: level, [`${PSA_ENFORCE}-version`]: 'latest', [LABEL_TEAM]: placement.team, [NODE_LABELS.managedBy]: NODE_LABELS.managedByValue };
      await kubeCall({ ...op, verb: 'create' }, () => clients.core.createNamespace({ body: { metadata: { name: namespace, labels } } })).catch((err: unknown) => {
        if (!isKubeConflict(err)) throw err;
      });
      return;
    }
    if (existing.metadata?.labels?.[PSA_ENFORCE]) return;
    const escaped = PSA_ENFORCE.replace(/~/g, '~0').replace(/\//g, '~1');
    const patch = existing.metadata?.labels
      ? [{ op: 'add', path: `/metadata/labels/${escaped}`, value: level }]
      : [{ op: 'add', path: '/metadata/labels', value: { [PSA_ENFORCE]: level } }];
    await kubeCall({ ...op, verb: 'patch' }, () => clients.core.patchNamespace({ name: namespace, body: patch }));
  } catch (err) {
    // Credentials limited to the namespace cannot manage it: the policy check still stands, so launch anyway.
    if (isSkyportError(err) && err.code === ErrorCode.KubernetesForbidden) {
      log('cannot label the team namespace for Pod Security Admission (no permission); the task policy still applies', { namespace });
      return;
    }
    throw err;
  }
}
