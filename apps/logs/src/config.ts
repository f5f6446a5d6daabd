import { baseConfigSchema, loadConfig, serviceAddresses, z } from '@skyport/service-kit';

export const logsConfigSchema = baseConfigSchema.extend({
  SKYPORT_LOGS_GRPC: serviceAddresses.SKYPORT_LOGS_GRPC,
  KUBECONFIG: z.string().optional(),
});

export type LogsConfig = z.infer<typeof logsConfigSchema>;

export function loadLogsConfig(env: NodeJS.ProcessEnv = process.env): LogsConfig {
  return loadConfig('skyport-logs', logsConfigSchema, env);
}
