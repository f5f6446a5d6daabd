import { ErrorCode, SkyportError } from '@skyport/contracts';
import type { KubeConfig } from '@kubernetes/client-node';
import { DEFAULT_NAMESPACE } from './kube-config.loader';

export interface KubeContextInfo {
  name: string;
  namespace: string;
  cluster: string;
  server: string;
  user: string;
}

/** The names of every context in the configuration, current one first. */
export function listContexts(kc: KubeConfig): string[] {
  const current = kc.getCurrentContext();
  const names = kc.getContexts().map((c) => c.name);
  return current && names.includes(current) ? [current, ...names.filter((n) => n !== current)] : names;
}

/**
 * Resolves a context by name (or the current context) to its namespace and server; the namespace falls back
 * to `default` as kubectl does.
 */
export function resolveContext(kc: KubeConfig, name?: string): KubeContextInfo {
  const wanted = name ?? kc.getCurrentContext();
  if (!wanted) {
    throw new SkyportError(
      ErrorCode.KubernetesUnavailable,
      'The kubeconfig has no current context. Pick one with `kubectl config use-context <name>`, or name the ' +
        'contexts to use under kubernetes.allowed_contexts.',
    );
  }
  const ctx = kc.getContextObject(wanted);
  if (!ctx) {
    const known = kc.getContexts().map((c) => c.name);
    throw new SkyportError(
      ErrorCode.KubernetesUnavailable,
      `Kubernetes context "${wanted}" is not in the kubeconfig (known: ${known.join(', ') || 'none'}). ` +
        'Check kubernetes.allowed_contexts, or `kubectl config get-contexts`.',
      { context: wanted, known },
    );
  }
  const cluster = kc.getCluster(ctx.cluster);
  if (!cluster) {
    throw new SkyportError(
      ErrorCode.KubernetesUnavailable,
      `Kubernetes context "${wanted}" refers to cluster "${ctx.cluster}", which the kubeconfig does not define.`,
      { context: wanted },
    );
  }
  return { name: wanted, namespace: ctx.namespace || DEFAULT_NAMESPACE, cluster: ctx.cluster, server: cluster.server, user: ctx.user };
}
