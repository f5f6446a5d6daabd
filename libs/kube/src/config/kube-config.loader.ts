import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { ErrorCode, SkyportError } from '@skyport/contracts';
import { KubeConfig } from '@kubernetes/client-node';

/** Where the service account's files live when Skyport runs inside a pod. */
export const IN_CLUSTER_SA_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';
export const DEFAULT_NAMESPACE = 'default';

export interface KubeConfigSource {
  /** One or more explicit kubeconfig files (merged in order; the first file's current context wins). */
  paths?: string[];
  /** The environment to read KUBECONFIG / HOME / KUBERNETES_SERVICE_HOST from (defaults to process.env). */
  env?: NodeJS.ProcessEnv;
  /** Use the pod's service account even when a kubeconfig file exists. */
  inCluster?: boolean;
}

export interface LoadedKubeConfig {
  kc: KubeConfig;
  /** The files the configuration came from; empty for the in-cluster service account alone. */
  files: string[];
  /** Whether the pod's own service account is one of the contexts (IN_CLUSTER_CONTEXT). */
  inCluster: boolean;
}

/** The context name of the pod's own service account (client-node's name; clusters record it in their `infra`). */
export const IN_CLUSTER_CONTEXT = 'inClusterContext';

/**
 * Loads Kubernetes client configuration the way kubectl finds it: explicit paths, then `KUBECONFIG` (a
 * path list), then `~/.kube/config`, then the in-cluster service account. Inside a pod with a service account
 * and a kubeconfig (other clusters mounted from a Secret), the pod's own cluster stays reachable as the extra
 * context IN_CLUSTER_CONTEXT; the kubeconfig's current context stays current. Nothing found is an error the user
 * can act on.
 */
export function loadKubeConfig(source: KubeConfigSource = {}): LoadedKubeConfig {
  const env = source.env ?? process.env;
  if (source.inCluster) return loadInCluster(env);

  const explicit = source.paths?.filter((p) => p.length > 0) ?? [];
  const fromEnv = (env.KUBECONFIG ?? '').split(delimiter).filter((p) => p.length > 0);
  const home = env.HOME ?? homedir();
  const defaultFile = join(home, '.kube', 'config');
  const candidates = explicit.length > 0 ? explicit : fromEnv.length > 0 ? fromEnv : [defaultFile];

  const existing = candidates.filter((p) => existsSync(p));
  if (explicit.length > 0 && existing.length < explicit.length) {
    const missing = explicit.filter((p) => !existsSync(p));
    throw missingKubeconfig(missing);
  }
  if (existing.length === 0) {
    if (isInClusterEnv(env)) return loadInCluster(env);
    throw missingKubeconfig(candidates);
  }

  const kc = new KubeConfig();
  for (const [i, file] of existing.entries()) {
    const one = new KubeConfig();
    try {
      one.loadFromFile(file);
    } catch (err) {
      throw new SkyportError(
        ErrorCode.KubernetesUnavailable,
        `The kubeconfig file ${file} could not be read: ${firstLine(err)}. Fix or replace the file (\`kubectl config view\` shows what kubectl makes of it).`,
        { file },
        { cause: err },
      );
    }
    if (i === 0) kc.loadFromOptions({ clusters: one.clusters, users: one.users, contexts: one.contexts, currentContext: one.currentContext });
    else mergeInto(kc, one);
  }
  if (kc.getContexts().length === 0) {
    throw new SkyportError(
      ErrorCode.KubernetesUnavailable,
      `The kubeconfig ${existing.join(', ')} defines no context. Add one with \`kubectl config set-context\`, or point KUBECONFIG at a kubeconfig that has one.`,
      { files: existing },
    );
  }
  if (isInClusterEnv(env) && !kc.getContextObject(IN_CLUSTER_CONTEXT)) {
    // The kubeconfig's names win (first definition); the pod's cluster is only added.
    mergeInto(kc, loadInCluster(env).kc);
    return { kc, files: existing, inCluster: true };
  }
  return { kc, files: existing, inCluster: false };
}

/** The error for "there is no kubeconfig": it names where we looked and what to do. */
export function missingKubeconfig(looked: string[]): SkyportError {
  return new SkyportError(
    ErrorCode.KubernetesUnavailable,
    `No kubeconfig found (looked at ${looked.join(', ')}). Point KUBECONFIG at your cluster's kubeconfig ` +
      `(e.g. \`export KUBECONFIG=~/.kube/config\`), or list the contexts to use under kubernetes.allowed_contexts; ` +
      '`kubectl config get-contexts` shows what is available.',
    { looked },
  );
}

function isInClusterEnv(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.KUBERNETES_SERVICE_HOST) && existsSync(join(IN_CLUSTER_SA_DIR, 'token'));
}

function loadInCluster(env: NodeJS.ProcessEnv): LoadedKubeConfig {
  if (!isInClusterEnv(env)) {
    throw new SkyportError(
      ErrorCode.KubernetesUnavailable,
      'In-cluster Kubernetes access was requested but this process is not running in a pod with a service account ' +
        `(KUBERNETES_SERVICE_HOST unset or ${IN_CLUSTER_SA_DIR}/token missing). Mount a service account, or use a kubeconfig.`,
    );
  }
  const kc = new KubeConfig();
  kc.loadFromCluster();
  // loadFromCluster leaves the context without a namespace; the pod's own namespace is the natural default.
  const nsFile = join(IN_CLUSTER_SA_DIR, 'namespace');
  const namespace = existsSync(nsFile) ? readFileSync(nsFile, 'utf8').trim() : undefined;
  if (namespace) {
    kc.loadFromOptions({
      clusters: kc.clusters,
      users: kc.users,
      contexts: kc.contexts.map((c) => ({ ...c, namespace })),
      currentContext: kc.currentContext,
    });
  }
  return { kc, files: [], inCluster: true };
}

/** Like kubectl's merge: the first definition of a name wins, later files only add. */
function mergeInto(target: KubeConfig, extra: KubeConfig): void {
  const has = <T extends { name: string }>(list: T[], name: string) => list.some((x) => x.name === name);
  target.loadFromOptions({
    clusters: [...target.clusters, ...extra.clusters.filter((c) => !has(target.clusters, c.name))],
    users: [...target.users, ...extra.users.filter((u) => !has(target.users, u.name))],
    contexts: [...target.contexts, ...extra.contexts.filter((c) => !has(target.contexts, c.name))],
    currentContext: target.currentContext || extra.currentContext,
  });
}

function firstLine(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.split('\n')[0] ?? msg;
}
