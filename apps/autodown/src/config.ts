import { baseConfigSchema, loadConfig, z } from '@skyport/service-kit';

export const autodownConfigSchema = baseConfigSchema.extend({
  KUBECONFIG: z.string().optional(),
  /** How often the reaper looks for objects whose cluster is gone. */
  SKYPORT_REAPER_INTERVAL_SECONDS: z.coerce.number().int().positive().default(60),
});

export type AutodownConfig = z.infer<typeof autodownConfigSchema>;

export function loadAutodownConfig(env: NodeJS.ProcessEnv = process.env): AutodownConfig {
  return loadConfig('skyport-autodown', autodownConfigSchema, env);
}
