import type { KubeClients } from '../client/kube-client.provider';
import { kubeCall } from '../errors/kube-error.translator';

/** One thing the credentials might be allowed to do: `create pods/exec in namespace X`, `list nodes`. */
export interface AccessQuestion {
  verb: string;
  /** Plural resource name (`pods`), without the subresource. */
  resource: string;
  subresource?: string;
  /** API group; empty for the core group. */
  group?: string;
  /** Absent for a cluster-scoped resource (or all namespaces). */
  namespace?: string;
}

export interface AccessAnswer extends AccessQuestion {
  allowed: boolean;
  /** The authorizer's reason or evaluation error, when it gave one. */
  reason: string;
}

/** `pods/exec`, `ingresses.networking.k8s.io`: how kubectl and RBAC rules name a resource. */
export function accessResourceName(q: AccessQuestion): string {
  const base = q.subresource ? `${q.resource}/${q.subresource}` : q.resource;
  return q.group ? `${base}.${q.group}` : base;
}

/**
 * Asks the API server, with the context's own credentials, whether each action is allowed
 * (authorization.k8s.io/v1 SelfSubjectAccessReview, as `kubectl auth can-i`). Reviews run concurrently; a review
 * that cannot be created at all (unreachable, unauthorized) fails the whole call with the translated error.
 */
export async function reviewAccess(clients: KubeClients, questions: readonly AccessQuestion[]): Promise<AccessAnswer[]> {
  const context = clients.context.name;
  return Promise.all(
    questions.map(async (q) => {
      const review = await kubeCall({ verb: 'create', resource: 'selfsubjectaccessreviews', context }, () =>
        clients.authorization.createSelfSubjectAccessReview({
          body: {
            apiVersion: 'authorization.k8s.io/v1',
            kind: 'SelfSubjectAccessReview',
            spec: { resourceAttributes: { verb: q.verb, resource: q.resource, subresource: q.subresource, group: q.group ?? '', namespace: q.namespace } },
          },
        }),
      );
      const status = review.status;
      return { ...q, allowed: Boolean(status?.allowed) && !status?.denied, reason: status?.reason || status?.evaluationError || '' };
    }),
  );
}
