import { defaultCatalog } from '@skyport/catalog';
import type { KubeClientProvider } from '@skyport/kube';
import type { ProvisionerConfig } from '../config';
import { InfraCheckService } from './infra-check.service';

/** The provisioner's `Check`: its contexts, its config file, the catalog's clouds and its cloud environment. */
export function infraCheckFor(kube: KubeClientProvider, config: ProvisionerConfig, env: NodeJS.ProcessEnv = process.env): InfraCheckService {
  return new InfraCheckService({
    kube,
    config: config.skyport,
    clouds: defaultCatalog().clouds(),
    cloud: { providers: config.SKYPORT_CLOUD_PROVIDERS, awsEndpoint: config.SKYPORT_AWS_ENDPOINT, env },
  });
}
