import { baseConfigSchema, loadConfig, serviceAddresses, z } from '@skyport/service-kit';

export const optimizerConfigSchema = baseConfigSchema.extend({
  SKYPORT_OPTIMIZER_GRPC: serviceAddresses.SKYPORT_OPTIMIZER_GRPC,
  SKYPORT_PROVISIONER_GRPC: serviceAddresses.SKYPORT_PROVISIONER_GRPC,
});

export type OptimizerConfig = z.infer<typeof optimizerConfigSchema>;

export function loadOptimizerConfig(env: NodeJS.ProcessEnv = process.env): OptimizerConfig {
  return loadConfig('skyport-optimizer', optimizerConfigSchema, env);
}
