import { baseConfigSchema, loadConfig, z } from '@skyport/service-kit';

export const autodownConfigSchema = baseConfigSchema.extend({
  KUBECONFIG: z.string().optional(),
  /** How often every UP cluster's idle state is re-read from Postgres (timers are armed from it). */
  SKYPORT_AUTODOWN_SCAN_SECONDS: z.coerce.number().positive().default(30),
  /** Length of one autostop "minute" in milliseconds. Only tests change it, to run idle windows in seconds. */
  SKYPORT_AUTODOWN_MINUTE_MS: z.coerce.number().int().positive().default(60_000),
  /** An ssh session whose api stopped heart-beating this long ago no longer keeps a cluster busy. */
  SKYPORT_SSH_SESSION_STALE_SECONDS: z.coerce.number().int().positive().default(90),
  /** How often the reaper looks for objects whose cluster is gone. */
  SKYPORT_REAPER_INTERVAL_SECONDS: z.coerce.number().positive().default(60),
  /** Objects (and ended clusters) younger than this are never reaped: a launch may still be writing its rows. */
  SKYPORT_REAPER_GRACE_SECONDS: z.coerce.number().nonnegative().default(600),
  /** Kubernetes contexts the reaper looks at, comma-separated; empty: the kubeconfig's current context. */
  SKYPORT_REAPER_CONTEXTS: z.string().default(''),
  /** Namespaces the reaper looks in, comma-separated; empty: every namespace it may list. */
  SKYPORT_REAPER_NAMESPACES: z.string().default(''),
  /** How often the (leader-elected) reconciler looks for requests whose queue step was lost. */
  SKYPORT_RECONCILE_INTERVAL_SECONDS: z.coerce.number().positive().default(15),
  /** A non-terminal request with no event for this long and no live queue job is re-driven. */
  SKYPORT_RECONCILE_STALE_SECONDS: z.coerce.number().positive().default(90),
});

export type AutodownConfig = z.infer<typeof autodownConfigSchema>;

export function loadAutodownConfig(env: NodeJS.ProcessEnv = process.env): AutodownConfig {
  return loadConfig('skyport-autodown', autodownConfigSchema, env);
}
