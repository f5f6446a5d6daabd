import { TASK_POLICY_SCHEMA } from './policy/task-policy.schema';

const stringMap = { type: 'object', additionalProperties: { type: 'string' } };

const kubernetesSettings = {
  pod_config: { type: 'object', 'x-expected': 'a Pod manifest fragment (mapping)' },
  custom_metadata: {
    type: 'object',
    properties: { labels: stringMap, annotations: stringMap },
    additionalProperties: false,
    'x-expected': 'a mapping with labels and/or annotations',
  },
  provision_timeout: { type: 'integer', minimum: 0, 'x-expected': 'seconds (a whole number)' },
  ports: { type: 'string', enum: ['loadbalancer', 'ingress', 'podip'], 'x-expected': 'one of loadbalancer, ingress, podip' },
  autoscaler: { type: 'string', 'x-expected': "an autoscaler kind such as 'gke', 'karpenter' or 'generic'" },
  pricing: {
    type: 'object',
    properties: {
      cpu_per_hour: { type: 'number', minimum: 0 },
      memory_gb_per_hour: { type: 'number', minimum: 0 },
      accelerators: { type: 'object', additionalProperties: { type: 'number', minimum: 0 } },
    },
    additionalProperties: false,
    'x-expected': 'a mapping of cpu_per_hour, memory_gb_per_hour, accelerators',
  },
  image_pull_secrets: { type: 'array', items: { type: 'string' }, 'x-expected': 'a list of secret names' },
  namespace: { type: 'string', 'x-expected': 'a namespace name' },
} as const;

export const KUBERNETES_SETTING_KEYS: readonly string[] = Object.keys(kubernetesSettings);

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
        ...kubernetesSettings,
        allowed_contexts: {
          anyOf: [{ type: 'array', items: { type: 'string' } }, { const: 'all' }],
          'x-expected': "a list of context names, or 'all'",
        },
        context_configs: {
          type: 'object',
          additionalProperties: { type: 'object', properties: kubernetesSettings, additionalProperties: false, 'x-expected': 'per-context settings' },
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
