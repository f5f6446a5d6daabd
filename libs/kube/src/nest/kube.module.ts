import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { KubeClientProvider, warnAboutMissingCredentialPlugins, type KubeWarningLogger } from '../client/kube-client.provider';
import { loadKubeConfig } from '../config/kube-config.loader';
import { listContexts } from '../config/kube-context';

/** The process's one KubeClientProvider (inject with `@Inject(KUBE_PROVIDER)`). */
export const KUBE_PROVIDER = Symbol('KUBE_PROVIDER');

export interface KubeModuleOptions {
  /** Kubeconfig file(s), ':'-separated like KUBECONFIG; absent: KUBECONFIG, ~/.kube/config, then in-cluster. */
  kubeconfig?: string;
  /** The contexts Skyport may place clusters in, from the kubeconfig's; absent: any (the current one by default). */
  allowedContexts?: (contexts: string[], current: string) => readonly string[];
  /** Told once, at start, about contexts whose exec credential plugin is not installed. */
  logger: KubeWarningLogger;
}

/** Builds the provider from the options: the kubeconfig is read here, so a missing one fails here. */
export function kubeProviderFrom(options: KubeModuleOptions): KubeClientProvider {
  const { kc } = loadKubeConfig({ paths: options.kubeconfig ? options.kubeconfig.split(':') : undefined });
  const provider = new KubeClientProvider(kc, options.allowedContexts?.(listContexts(kc), kc.getCurrentContext()));
  warnAboutMissingCredentialPlugins(provider, options.logger);
  return provider;
}

/**
 * The provider for a process that may run without Kubernetes (the api: only `skyport ssh` into a pod needs it).
 * Built at the first `get()`; a failure (no kubeconfig) is thrown to that caller and the next one tries again.
 */
export class LazyKubeProvider {
  private provider?: KubeClientProvider;

  constructor(private readonly options: KubeModuleOptions) {}

  get(): KubeClientProvider {
    this.provider ??= kubeProviderFrom(this.options);
    return this.provider;
  }
}

/**
 * The one door to Kubernetes for a Nest service: `KubeModule.forRoot(...)` once in the app module gives every
 * provider of the process the same KubeClientProvider (`KUBE_PROVIDER`, built at start), or with `forRootLazy`
 * a LazyKubeProvider built on first use.
 */
@Module({})
export class KubeModule {
  static forRoot(options: KubeModuleOptions): DynamicModule {
    const provider: Provider = { provide: KUBE_PROVIDER, useFactory: () => kubeProviderFrom(options) };
    return { module: KubeModule, global: true, providers: [provider], exports: [KUBE_PROVIDER] };
  }

  static forRootLazy(options: KubeModuleOptions): DynamicModule {
    const provider: Provider = { provide: LazyKubeProvider, useValue: new LazyKubeProvider(options) };
    return { module: KubeModule, global: true, providers: [provider], exports: [LazyKubeProvider] };
  }
}
