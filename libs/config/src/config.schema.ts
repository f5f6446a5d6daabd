import { TASK_POLICY_SCHEMA } from './policy/task-policy.schema';
import { IGNORED_KUBERNETES_KEYS, IGNORED_PORT_MODES } from './skypilot/skypilot-config-keys';

const stringMap = { type: 'object', additionalProperties: { type: 'string' } };

const kubernetesSettings = {
  pod_config: { type: 'object', 'x-expected': 'a Pod manifest fragment (mapping)' },
  custom_metadata: {
    type: 'object',
    properties: { labels: stringMap, annotations: stringMap },
    // SkyPilot allows any key here; Skyport applies labels and annotations and reports the rest as ignored.
    additionalProperties: true,
    'x-expected': 'a mapping with labels and/or annotations',
  },
  provision_timeout: { type: 'integer', minimum: 0, 'x-expected': 'seconds (a whole number)' },
  ports: {
    type: 'string',
    enum: ['loadbalancer', 'ingress', 'podip', ...Object.keys(IGNORED_PORT_MODES)],
    'x-expected': `one of loadbalancer, ingress, podip (SkyPilot's ${Object.keys(IGNORED_PORT_MODES).join(', ')} is accepted and ignored)`,
  },
  autoscaler: { type: 'string', 'x-expected': "an autoscaler kind such as 'gke', 'karpenter' or 'generic'" },
  pricing: {
    type: 'object',
    properties: {
      cpu_per_hour: { type: 'number', minimum: 0 },
      memory_gb_per_hour: { type: 'number', minimum: 0 },
      // SkyPilot's names for the same prices ($ per vCPU-hour, per GB-hour); read as the two above.
      cpu: { type: 'number', minimum: 0 },
      memory: { type: 'number', minimum: 0 },
      accelerators: { type: 'object', additionalProperties: { type: 'number', minimum: 0 } },
    },
    additionalProperties: false,
    'x-expected': 'a mapping of cpu_per_hour (or cpu), memory_gb_per_hour (or memory), accelerators',
  },
  image_pull_secrets: { type: 'array', items: { type: 'string' }, 'x-expected': 'a list of secret names' },
  namespace: { type: 'string', 'x-expected': 'a namespace name' },
} as const;

export const KUBERNETES_SETTING_KEYS: readonly string[] = Object.keys(kubernetesSettings);

/** What a context's settings may hold: Skyport's settings and SkyPilot's keys it accepts and ignores (any value). */
const kubernetesContextKeys = {
  ...kubernetesSettings,
  ...Object.fromEntries(Object.keys(IGNORED_KUBERNETES_KEYS).map((key) => [key, {}])),
};

/** JSON schema (draft-07, ajv) of the config file. `x-expected` is what we tell the user was expected. */
export const CONFIG_SCHEMA = {
  type: 'object',
  'x-expected': 'a mapping of config sections (api, kubernetes, allowed_clouds, ...)',
  properties: {
    api: {
      type: 'object',
      properties: {
        endpoint: { type: 'string', pattern: '^https?://', 'x-expected': "a URL such as 'http://127.0.0.1:26580'" },
        token: { type: 'string', 'x-expected': 'a token string' },
      },
      additionalProperties: false,
      'x-expected': 'a mapping with endpoint and token',
    },
    kubernetes: {
      type: 'object',
      properties: {
        ...kubernetesContextKeys,
        allowed_contexts: {
          anyOf: [{ type: 'array', items: { type: 'string' } }, { const: 'all' }],
          'x-expected': "a list of context names, or 'all'",
        },
        context_configs: {
          type: 'object',
          additionalProperties: { type: 'object', properties: kubernetesContextKeys, additionalProperties: false, 'x-expected': 'per-context settings' },
          'x-expected': 'a mapping of context name to settings',
        },
      },
      additionalProperties: false,
      'x-expected': 'a mapping of kubernetes settings',
    },
    /** What tasks (other teams' requests) may ask of Kubernetes; see policy/task-policy.types.ts. */
    policy: TASK_POLICY_SCHEMA,
    allowed_clouds: { type: 'array', items: { type: 'string' }, 'x-expected': "a list of clouds such as ['aws', 'gcp']" },
  },
  // SkyPilot's other sections (jobs, serve, aws, gcp, docker, ...) may be present; they must be mappings.
  additionalProperties: { type: ['object', 'array', 'string', 'boolean', 'number', 'null'] },
} as const;
