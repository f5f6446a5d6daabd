import { baseConfigSchema, loadConfig, serviceAddresses, z } from '@skyport/service-kit';
import { cloudConfigShape, sshAddressOverride } from './cloud/cloud.config';

export const provisionerConfigSchema = baseConfigSchema.extend({
  SKYPORT_PROVISIONER_GRPC: serviceAddresses.SKYPORT_PROVISIONER_GRPC,
  /** Kubeconfig file(s), ':'-separated like KUBECONFIG; empty: the default (~/.kube/config) or in-cluster. */
  KUBECONFIG: z.string().optional(),
  /** Cloud burst: SKYPORT_CLOUD_PROVIDERS, SKYPORT_AWS_*, ... (cloud/cloud.config.ts). */
  ...cloudConfigShape,
});

export type ProvisionerConfig = z.infer<typeof provisionerConfigSchema>;

export function loadProvisionerConfig(env: NodeJS.ProcessEnv = process.env): ProvisionerConfig {
  const config = loadConfig('skyport-provisioner', provisionerConfigSchema, env);
  sshAddressOverride(config); // the test-only override is refused at boot unless it is safe
  return config;
}
