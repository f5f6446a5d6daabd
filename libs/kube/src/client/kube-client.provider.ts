import { AuthorizationV1Api, CoreV1Api, KubeConfig, NetworkingV1Api, StorageV1Api, VersionApi } from '@kubernetes/client-node';
import { ErrorCode, SkyportError } from '@skyport/contracts';
import { loadKubeConfig, type KubeConfigSource } from '../config/kube-config.loader';
import { listContexts, resolveContext, type KubeContextInfo } from '../config/kube-context';
import { kubeCall } from '../errors/kube-error.translator';
import { missingCredentialPluginError, missingCredentialPlugins, type MissingCredentialPlugin } from '../config/credential-plugins';

/** Typed API clients bound to one context. */
export interface KubeClients {
  context: KubeContextInfo;
  /** A KubeConfig whose current context is this one (exec, port-forward and watch use the current context). */
  kc: KubeConfig;
  core: CoreV1Api;
  networking: NetworkingV1Api;
  /** CSINodes: which storage drivers a context's nodes have (bucket mounts need Skyport's S3 mount driver). */
  storage: StorageV1Api;
  version: VersionApi;
  /** SelfSubjectAccessReview: what these credentials may do (`skyport check`). */
  authorization: AuthorizationV1Api;
}

/**
 * Builds and caches API clients per context. Contexts outside `allowedContexts` (when given) are refused, so
 * a misconfigured request can never touch a cluster the operator did not allow.
 */
export class KubeClientProvider {
  private readonly cache = new Map<string, KubeClients>();

  constructor(
    readonly kc: KubeConfig,
    private readonly allowedContexts?: readonly string[],
  ) {}

  static fromSource(source: KubeConfigSource = {}, allowedContexts?: readonly string[]): KubeClientProvider {
    return new KubeClientProvider(loadKubeConfig(source).kc, allowedContexts);
  }

  /** The contexts Skyport may use: the allowed ones that exist, or just the current context. */
  contexts(): string[] {
    const all = listContexts(this.kc);
    if (this.allowedContexts && this.allowedContexts.length > 0) return this.allowedContexts.filter((c) => all.includes(c));
    const current = this.kc.getCurrentContext();
    return current ? [current] : all.slice(0, 1);
  }

  defaultContext(): string {
    const first = this.contexts()[0];
    if (!first) resolveContext(this.kc); // throws the "no current context" error
    return first ?? this.kc.getCurrentContext();
  }

  /**
   * Clients for a context. `allowed_contexts` decides where new clusters may go; `forCleanup` lets teardown reach
   * a cluster that lives in a context since removed from that list (it must still be removable), as long as the
   * kubeconfig still has the context.
   */
  forContext(name?: string, options: { forCleanup?: boolean } = {}): KubeClients {
    const ctxName = name ?? this.defaultContext();
    const cached = this.cache.get(ctxName);
    if (cached) return cached;
    if (!options.forCleanup && this.allowedContexts && this.allowedContexts.length > 0 && !this.allowedContexts.includes(ctxName)) {
      throw new SkyportError(
        ErrorCode.KubernetesForbidden,
        `Kubernetes context "${ctxName}" is not in kubernetes.allowed_contexts (${this.allowedContexts.join(', ')}).`,
        { context: ctxName },
      );
    }
    const context = resolveContext(this.kc, ctxName);
    // A plugin that is not installed would fail every request with a bare ENOENT: say which context and why.
    const missing = missingCredentialPlugins(this.kc, [ctxName])[0];
    if (missing) throw missingCredentialPluginError(missing);
    const kc = new KubeConfig();
    kc.loadFromOptions({ clusters: this.kc.clusters, users: this.kc.users, contexts: this.kc.contexts, currentContext: ctxName });
    const clients: KubeClients = {
      context,
      kc,
      core: kc.makeApiClient(CoreV1Api),
      networking: kc.makeApiClient(NetworkingV1Api),
      storage: kc.makeApiClient(StorageV1Api),
      version: kc.makeApiClient(VersionApi),
      authorization: kc.makeApiClient(AuthorizationV1Api),
    };
    this.cache.set(ctxName, clients);
    return clients;
  }

  /** Every context of the kubeconfig whose exec credential plugin is not installed here (for a warning at start). */
  missingCredentialPlugins(): MissingCredentialPlugin[] {
    return missingCredentialPlugins(this.kc);
  }

  /** A cheap call that proves the API server answers with these credentials. */
  async ping(name?: string): Promise<{ context: string; gitVersion: string }> {
    const c = this.forContext(name);
    const v = await kubeCall({ verb: 'get', resource: 'version', context: c.context.name }, () => c.version.getCode());
    return { context: c.context.name, gitVersion: v.gitVersion };
  }
}

/** The part of a logger a start-up warning needs (pino's signature). */
export interface KubeWarningLogger {
  warn(fields: Record<string, unknown>, message: string): void;
}

/**
 * Logs one warning per context that cannot be used because its exec credential plugin is not installed, naming the
 * context and the plugin (a service calls it once at start; using the context later fails with the same message).
 */
export function warnAboutMissingCredentialPlugins(provider: KubeClientProvider, logger: KubeWarningLogger): void {
  for (const missing of provider.missingCredentialPlugins()) {
    logger.warn({ context: missing.context, command: missing.command }, missing.message);
  }
}
