import type { TaskPolicy, TaskPolicyConfig } from './task-policy.types';

export const DEFAULT_ALLOWED_VOLUME_TYPES = ['emptyDir', 'configMap', 'secret', 'persistentVolumeClaim', 'ephemeral'];

/** Deny everything that reaches the node, the host or another team; the caps keep the shared slots shared. */
export const DEFAULT_TASK_POLICY: TaskPolicy = {
  allow_privileged: false,
  allow_privilege_escalation: false,
  allowed_capabilities: [],
  allow_host_path: false,
  allow_host_namespaces: false,
  allow_host_ports: false,
  allow_service_account: false,
  allow_node_name: false,
  allow_runtime_class: false,
  allow_priority_class: false,
  allow_unconfined_security: false,
  allowed_volume_types: DEFAULT_ALLOWED_VOLUME_TYPES,
  allow_namespace_override: false,
  allow_ports_override: false,
  allow_image_pull_secrets: false,
  allow_autoscaler_override: false,
  max_provision_timeout: 600,
  max_num_nodes: 512,
  automount_service_account_token: false,
  pod_security_enforce: 'baseline',
  tenancy: 'auto',
};

/** Layers policies: defaults < the config file's `policy:` < the team's (set through the api). */
export function resolveTaskPolicy(...layers: Array<TaskPolicyConfig | null | undefined>): TaskPolicy {
  const out: TaskPolicy = { ...DEFAULT_TASK_POLICY };
  for (const layer of layers) {
    if (!layer) continue;
    for (const [k, v] of Object.entries(layer)) if (v !== undefined && v !== null) (out as unknown as Record<string, unknown>)[k] = v;
  }
  return out;
}
