import { CLOUDS, type CloudName } from '@skyport/catalog';
import { baseConfigSchema, loadConfig, serviceAddresses, z } from '@skyport/service-kit';

const csv = z
  .string()
  .optional()
  .transform((v) => (v ?? '').split(',').map((s) => s.trim()).filter(Boolean));

export const optimizerConfigSchema = baseConfigSchema.extend({
  SKYPORT_OPTIMIZER_GRPC: serviceAddresses.SKYPORT_OPTIMIZER_GRPC,
  SKYPORT_PROVISIONER_GRPC: serviceAddresses.SKYPORT_PROVISIONER_GRPC,
  /**
   * Kubernetes contexts to plan on, comma-separated. Empty: every context the provisioner reports (it applies
   * `kubernetes.allowed_contexts`); set, it also names contexts when the provisioner cannot be reached.
   */
  SKYPORT_ALLOWED_CONTEXTS: csv,
  /** Clouds Skyport holds credentials for, comma-separated (aws,gcp,...). Others are shown, never chosen. */
  SKYPORT_ENABLED_CLOUDS: csv.refine(
    (list) => list.every((c) => (CLOUDS as readonly string[]).includes(c)),
    `expected a comma-separated list of ${CLOUDS.join(', ')}`,
  ),
  /** Contexts with a cluster autoscaler, comma-separated, or `*` for all. */
  SKYPORT_AUTOSCALER_CONTEXTS: csv,
  /** `kubernetes.pricing` per context as JSON: {"ctx-a": {"cpu_per_hour": 0.02, "accelerators": {"A100": 1.5}}, "*": {...}}. */
  SKYPORT_KUBERNETES_PRICING: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (!v) return {};
      try {
        const parsed: unknown = JSON.parse(v);
        if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, Record<string, unknown>>;
      } catch {
        // reported below
      }
      ctx.addIssue({ code: 'custom', message: 'expected a JSON object keyed by context' });
      return z.NEVER;
    }),
  /** Folder of `<cloud>.csv` catalogs; empty: the catalogs shipped with Skyport. */
  SKYPORT_CATALOG_DIR: z.string().optional(),
  /** How long a plan waits for the provisioner's capacity snapshot. */
  SKYPORT_CAPACITY_TIMEOUT_MS: z.coerce.number().int().min(100).default(3_000),
});

export type OptimizerConfig = z.infer<typeof optimizerConfigSchema>;

export function loadOptimizerConfig(env: NodeJS.ProcessEnv = process.env): OptimizerConfig {
  return loadConfig('skyport-optimizer', optimizerConfigSchema, env);
}

export function enabledClouds(config: Pick<OptimizerConfig, 'SKYPORT_ENABLED_CLOUDS'>): CloudName[] {
  return config.SKYPORT_ENABLED_CLOUDS as CloudName[];
}
