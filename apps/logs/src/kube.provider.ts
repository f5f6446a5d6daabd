import { KubeClientProvider, warnAboutMissingCredentialPlugins } from '@skyport/kube';
import { SERVICE_CONFIG, SERVICE_LOGGER, type Logger } from '@skyport/service-kit';
import type { LogsConfig } from './config';

export const KUBE_PROVIDER = Symbol('KUBE_PROVIDER');

export const kubeProvider = {
  provide: KUBE_PROVIDER,
  useFactory: (config: LogsConfig, logger: Logger) => {
    const provider = KubeClientProvider.fromSource({ paths: config.KUBECONFIG ? config.KUBECONFIG.split(':') : undefined });
    warnAboutMissingCredentialPlugins(provider, logger);
    return provider;
  },
  inject: [SERVICE_CONFIG, SERVICE_LOGGER],
};
