import { baseConfigSchema, loadConfig, serviceAddresses, z } from '@skyport/service-kit';

export const apiConfigSchema = baseConfigSchema.extend({
  SKYPORT_API_PORT: serviceAddresses.SKYPORT_API_PORT,
  SKYPORT_OPTIMIZER_GRPC: serviceAddresses.SKYPORT_OPTIMIZER_GRPC,
  SKYPORT_LOGS_GRPC: serviceAddresses.SKYPORT_LOGS_GRPC,
  /** Largest request body accepted, in bytes. */
  SKYPORT_API_BODY_LIMIT: z.coerce.number().int().positive().default(1024 * 1024),
  /** Publish outbox rows to BullMQ from this process (off only in tests that simulate a crash). */
  SKYPORT_OUTBOX_RELAY: z.enum(['on', 'off']).default('on'),
});

export type ApiConfig = z.infer<typeof apiConfigSchema>;

export function loadApiConfig(env: NodeJS.ProcessEnv = process.env): ApiConfig {
  return loadConfig('skyport-api', apiConfigSchema, env);
}
