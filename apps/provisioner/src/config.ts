import { baseConfigSchema, loadConfig, serviceAddresses, z } from '@skyport/service-kit';

export const provisionerConfigSchema = baseConfigSchema.extend({
  SKYPORT_PROVISIONER_GRPC: serviceAddresses.SKYPORT_PROVISIONER_GRPC,
  /** Kubeconfig file(s), ':'-separated like KUBECONFIG; empty: the default (~/.kube/config) or in-cluster. */
  KUBECONFIG: z.string().optional(),
});

export type ProvisionerConfig = z.infer<typeof provisionerConfigSchema>;

export function loadProvisionerConfig(env: NodeJS.ProcessEnv = process.env): ProvisionerConfig {
  return loadConfig('skyport-provisioner', provisionerConfigSchema, env);
}
