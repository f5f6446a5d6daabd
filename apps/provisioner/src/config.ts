import { loadSkyportConfig, type IgnoredConfigKey, type SkyportConfig } from '@skyport/config';
import { isSkyportError } from '@skyport/contracts';
import { ConfigError, baseConfigSchema, grpcSecurity, grpcSecurityShape, loadConfig, serviceAddresses, z } from '@skyport/service-kit';
import { secretsKeyProblem } from '@skyport/persistence';
import { cloudConfigShape, sshAddressOverride } from './cloud/cloud.config';
import { storageConfigShape } from './storage/s3.config';
import { nodeImageDefaultsFrom, type NodeImageDefaults } from './pods/node-image.defaults';

export const provisionerConfigSchema = baseConfigSchema.extend({
  SKYPORT_PROVISIONER_GRPC: serviceAddresses.SKYPORT_PROVISIONER_GRPC,
  /** mTLS between services: SKYPORT_GRPC_TLS_CA/CERT/KEY, or SKYPORT_GRPC_INSECURE=1 for local development. */
  ...grpcSecurityShape,
  /** Kubeconfig file(s), ':'-separated like KUBECONFIG; empty: the default (~/.kube/config) or in-cluster. */
  KUBECONFIG: z.string().optional(),
  /**
   * Kubernetes contexts the provisioner may use, comma-separated; wins over `kubernetes.allowed_contexts` of the
   * config file. Neither: the kubeconfig's current context.
   */
  SKYPORT_ALLOWED_CONTEXTS: z
    .string()
    .optional()
    .transform((v) => (v ?? '').split(',').map((s) => s.trim()).filter(Boolean)),
  /** The image of a Kubernetes task without `image_id` (default: the pod builder's DEFAULT_IMAGE). */
  SKYPORT_DEFAULT_IMAGE: z.string().optional(),
  /** A Docker config.json with the registry credentials pods pull with (created as an image pull Secret). */
  SKYPORT_REGISTRY_AUTH_FILE: z.string().optional(),
  /** Name of that Secret in each launch's namespace (default `skyport-registry`). */
  SKYPORT_REGISTRY_SECRET_NAME: z.string().optional(),
  /** Cloud burst: SKYPORT_CLOUD_PROVIDERS, SKYPORT_AWS_*, ... (cloud/cloud.config.ts). */
  ...cloudConfigShape,
  /** Buckets in file_mounts: SKYPORT_S3_* (storage/s3.config.ts). */
  ...storageConfigShape,
  /** How often UP Kubernetes clusters are checked for pods lost outside Skyport (deleted, evicted, failed). */
  SKYPORT_CLUSTER_HEALTH_SECONDS: z.coerce.number().positive().default(20),
  /**
   * How a launch's first job starts on Kubernetes: `pod` (the default: the pods' own command starts it and says
   * how it went in the container log, which the provisioner follows: jobs/pod-start.ts — no exec per node) or
   * `exec` (one exec per node writes and starts each phase, and execs wait for it). A job with files to copy
   * first starts by exec in both; later jobs, cancels and re-attaching use exec either way.
   */
  SKYPORT_JOB_START: z.enum(['exec', 'pod']).default('pod'),
  /** Opens task secrets (sealed by the api with the same key) to build a cluster's Secret and its jobs' env. */
  SKYPORT_SECRETS_KEY: z.string().optional(),
});

export type ProvisionerConfig = z.infer<typeof provisionerConfigSchema> & {
  /** `~/.skyport/config.yaml` (or `$SKYPORT_CONFIG`): allowed contexts, pod_config, timeouts, ports, pull secrets. */
  skyport: SkyportConfig;
  /** Where that file was and the SkyPilot keys in it Skyport does not act on (logged once at start). */
  skyportFile?: { path: string; ignored: IgnoredConfigKey[] };
  /** From SKYPORT_DEFAULT_IMAGE / SKYPORT_REGISTRY_AUTH_FILE / SKYPORT_REGISTRY_SECRET_NAME, read at boot. */
  imageDefaults?: NodeImageDefaults;
};

export function loadProvisionerConfig(env: NodeJS.ProcessEnv = process.env): ProvisionerConfig {
  const config = loadConfig('skyport-provisioner', provisionerConfigSchema, env);
  grpcSecurity(config, 'skyport-provisioner'); // the TLS files are read and checked at boot
  sshAddressOverride(config); // the test-only override is refused at boot unless it is safe
  const keyProblem = secretsKeyProblem(config.SKYPORT_SECRETS_KEY, env.NODE_ENV);
  if (keyProblem) throw new ConfigError([`skyport-provisioner: ${keyProblem}`]);
  try {
    const file = loadSkyportConfig(env);
    return { ...config, skyport: file.config, skyportFile: { path: file.path, ignored: file.ignored }, imageDefaults: nodeImageDefaultsFrom(config) };
  } catch (error) {
    if (isSkyportError(error)) {
      const [first, ...rest] = error.userMessage.split('\n');
      throw new ConfigError([`skyport-provisioner: configuration error: ${first}`, ...rest]);
    }
    throw error;
  }
}
