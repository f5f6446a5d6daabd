import { allowedContexts } from '@skyport/config';
import type { KubeModuleOptions } from '@skyport/kube';
import type { Logger } from '@skyport/service-kit';
import type { ProvisionerConfig } from '../config';

/** The kubeconfig's contexts narrowed to the allowed ones: env list > config file > the current context. */
export function provisionerKubeOptions(config: ProvisionerConfig, logger: Logger): KubeModuleOptions {
  return {
    kubeconfig: config.KUBECONFIG,
    allowedContexts: (contexts, current) =>
      config.SKYPORT_ALLOWED_CONTEXTS.length > 0 ? config.SKYPORT_ALLOWED_CONTEXTS : allowedContexts(config.skyport, contexts, current),
    logger,
  };
}
