import { Ajv, type ValidateFunction } from 'ajv';
import { ErrorCode, SkyportError } from '@skyport/contracts';
import type { TaskPolicyConfig } from './task-policy.types';

const flag = { type: 'boolean', 'x-expected': 'true or false' } as const;
const names = { type: 'array', items: { type: 'string', maxLength: 128 }, maxItems: 100, 'x-expected': 'a list of names' } as const;

/**
 * JSON schema of the `policy:` section of the server's config file and of a team's policy set through the api: one
 * schema for both readers and the api's OpenAPI document (TaskPolicy). Its properties must name exactly the keys
 * of TaskPolicyConfig (checked by `satisfies`).
 */
export const TASK_POLICY_SCHEMA = {
  type: 'object',
  'x-expected': 'a mapping of policy keys (allow_privileged, allow_host_path, max_provision_timeout, ...)',
  properties: {
    allow_privileged: flag,
    allow_privilege_escalation: flag,
    allowed_capabilities: names,
    allow_host_path: flag,
    allow_host_namespaces: flag,
    allow_host_ports: flag,
    allow_service_account: flag,
    allow_node_name: flag,
    allow_runtime_class: flag,
    allow_priority_class: flag,
    allow_unconfined_security: flag,
    allowed_volume_types: names,
    allow_namespace_override: flag,
    allow_ports_override: flag,
    allow_image_pull_secrets: flag,
    allow_autoscaler_override: flag,
    max_provision_timeout: { type: 'integer', minimum: 0, maximum: 86_400, 'x-expected': 'seconds (0 to 86400)' },
    max_num_nodes: { type: 'integer', minimum: 1, maximum: 100_000, 'x-expected': 'a whole number of nodes (1 to 100000)' },
    automount_service_account_token: flag,
    pod_security_enforce: { type: 'string', enum: ['privileged', 'baseline', 'restricted'], 'x-expected': 'privileged, baseline or restricted' },
    tenancy: { type: 'string', enum: ['auto', 'on', 'off'], 'x-expected': 'auto, on or off' },
  } satisfies Record<keyof TaskPolicyConfig, object>,
  additionalProperties: false,
} as const;

let compiled: ValidateFunction | undefined;

/** Validates a policy sent to the api (a team's): unknown keys and wrong types are a 400 naming the key. */
export function readTaskPolicyConfig(raw: unknown): TaskPolicyConfig {
  if (!compiled) {
    const ajv = new Ajv({ allErrors: true, strict: true });
    ajv.addVocabulary(['x-expected']);
    compiled = ajv.compile(TASK_POLICY_SCHEMA);
  }
  if (compiled(raw)) return raw as TaskPolicyConfig;
  const problems = (compiled.errors ?? []).map((e) => {
    const key = e.instancePath.slice(1).replace(/\//g, '.') || (e.params as { additionalProperty?: string }).additionalProperty || '(policy)';
    return e.keyword === 'additionalProperties'
      ? `policy.${(e.params as { additionalProperty: string }).additionalProperty}: unknown policy key (valid: ${Object.keys(TASK_POLICY_SCHEMA.properties).join(', ')})`
      : `policy.${key}: ${e.message ?? 'invalid'}`;
  });
  throw new SkyportError(ErrorCode.InvalidRequest, `invalid policy: ${problems.join('; ')}`, { problems });
}
