import { CLOUDS, isCloudName, type CloudName } from '@skyport/catalog';
import { loadSkyportConfig, type IgnoredConfigKey, type SkyportConfig } from '@skyport/config';
import { isSkyportError } from '@skyport/contracts';
import { ConfigError, baseConfigSchema, grpcSecurity, grpcSecurityShape, loadConfig, serviceAddresses, z } from '@skyport/service-kit';

const csv = z
  .string()
  .optional()
  .transform((v) => (v ?? '').split(',').map((s) => s.trim()).filter(Boolean));

const cloudList = csv.refine((list) => list.every((c) => isCloudName(c)), `expected a comma-separated list of ${CLOUDS.join(', ')}`);

export const optimizerConfigSchema = baseConfigSchema.extend({
  SKYPORT_OPTIMIZER_GRPC: serviceAddresses.SKYPORT_OPTIMIZER_GRPC,
  SKYPORT_PROVISIONER_GRPC: serviceAddresses.SKYPORT_PROVISIONER_GRPC,
  /** mTLS between services: SKYPORT_GRPC_TLS_CA/CERT/KEY, or SKYPORT_GRPC_INSECURE=1 for local development. */
  ...grpcSecurityShape,
  /**
   * Kubernetes contexts to plan on, comma-separated; wins over `kubernetes.allowed_contexts`. With neither (or
   * `all`), the contexts the provisioner reports. Named contexts are known even when the provisioner is not.
   */
  SKYPORT_ALLOWED_CONTEXTS: csv,
  /**
   * Clouds plans may choose, comma-separated. Empty: the provisioner's SKYPORT_CLOUD_PROVIDERS (the clouds it can
   * launch VMs on). Other clouds are listed with the reason, never chosen.
   */
  SKYPORT_ENABLED_CLOUDS: cloudList,
  SKYPORT_CLOUD_PROVIDERS: csv,
  /** Folder of `<cloud>.csv` catalogs; empty: the catalogs shipped with Skyport. */
  SKYPORT_CATALOG_DIR: z.string().optional(),
  /** How long a plan waits for the provisioner's capacity snapshot. */
  SKYPORT_CAPACITY_TIMEOUT_MS: z.coerce.number().int().min(100).default(3_000),
});

export type OptimizerConfig = z.infer<typeof optimizerConfigSchema> & {
  /** `~/.skyport/config.yaml` (or `$SKYPORT_CONFIG`): allowed contexts and clouds, Kubernetes pricing, autoscaler. */
  skyport: SkyportConfig;
  /** Where that file was and the SkyPilot keys in it Skyport does not act on (logged once at start). */
  skyportFile?: { path: string; ignored: IgnoredConfigKey[] };
};

export function loadOptimizerConfig(env: NodeJS.ProcessEnv = process.env): OptimizerConfig {
  const config = loadConfig('skyport-optimizer', optimizerConfigSchema, env);
  grpcSecurity(config, 'skyport-optimizer'); // the TLS files are read and checked at boot
  try {
    const file = loadSkyportConfig(env);
    return { ...config, skyport: file.config, skyportFile: { path: file.path, ignored: file.ignored } };
  } catch (error) {
    if (isSkyportError(error)) {
      const [first, ...rest] = error.userMessage.split('\n');
      throw new ConfigError([`skyport-optimizer: configuration error: ${first}`, ...rest]);
    }
    throw error;
  }
}

export function enabledClouds(config: Pick<OptimizerConfig, 'SKYPORT_ENABLED_CLOUDS' | 'SKYPORT_CLOUD_PROVIDERS'>): CloudName[] {
  const list = config.SKYPORT_ENABLED_CLOUDS.length > 0 ? config.SKYPORT_ENABLED_CLOUDS : config.SKYPORT_CLOUD_PROVIDERS;
  return list.filter(isCloudName);
}
