/**
 * What a task (untrusted: another team's request) may ask of Kubernetes through `config.kubernetes.*`. The admin
 * sets it in the server's config file (`policy:`) and per team through the api; everything absent is denied.
 * Keys are snake_case like the rest of the config file.
 */
export interface TaskPolicyConfig {
  /** `securityContext.privileged: true` in any container. */
  allow_privileged?: boolean;
  /** `securityContext.allowPrivilegeEscalation: true`. */
  allow_privilege_escalation?: boolean;
  /** Linux capabilities a container may add (`securityContext.capabilities.add`); `['ALL']` allows any. */
  allowed_capabilities?: string[];
  /** `hostPath` volumes. */
  allow_host_path?: boolean;
  /** `hostNetwork`, `hostPID`, `hostIPC`, `hostUsers: false` is always fine. */
  allow_host_namespaces?: boolean;
  /** `containers[].ports[].hostPort`. */
  allow_host_ports?: boolean;
  /** `serviceAccountName`/`serviceAccount` and `automountServiceAccountToken: true`. */
  allow_service_account?: boolean;
  /** `nodeName` (bypasses the scheduler and quotas of placement). */
  allow_node_name?: boolean;
  /** `runtimeClassName`. */
  allow_runtime_class?: boolean;
  /** `priorityClassName` (could preempt other teams' pods). */
  allow_priority_class?: boolean;
  /** seLinuxOptions, seccomp/AppArmor `Unconfined`, non-default procMount, sysctls, Windows host processes. */
  allow_unconfined_security?: boolean;
  /** Volume source kinds a task's pod_config may declare. */
  allowed_volume_types?: string[];
  /** A task's `config.kubernetes.namespace` or `pod_config.metadata.namespace` (still confined to the team's). */
  allow_namespace_override?: boolean;
  /** A task's `config.kubernetes.ports` (how ports are exposed: LoadBalancers cost money and face out). */
  allow_ports_override?: boolean;
  /** A task's `config.kubernetes.image_pull_secrets` or `pod_config.spec.imagePullSecrets` (another team's credentials). */
  allow_image_pull_secrets?: boolean;
  /** A task's `config.kubernetes.autoscaler` (which stretches its wait for nodes to minutes). */
  allow_autoscaler_override?: boolean;
  /** Largest `config.kubernetes.provision_timeout` a task may set, seconds (it holds a provisioning slot that long). */
  max_provision_timeout?: number;
  /** Largest `num_nodes` a task may ask for. */
  max_num_nodes?: number;
  /** Pods get `automountServiceAccountToken: false` unless this is true (the admin's pod_config may still set it). */
  automount_service_account_token?: boolean;
  /** Pod Security Admission level put on namespaces Skyport manages for teams (`privileged`, `baseline`, `restricted`). */
  pod_security_enforce?: 'privileged' | 'baseline' | 'restricted';
  /**
   * Tenancy: `on` confines non-admin users to their team's namespaces; `auto` (default) turns it on once the
   * server has more than one team; `off` lets every user use the context's namespace.
   */
  tenancy?: 'auto' | 'on' | 'off';
}

/** The policy in force, every field set. */
export type TaskPolicy = Required<TaskPolicyConfig>;

/** One refusal: the field path in the task, the policy key that would allow it, and the sentence for the user. */
export interface PolicyViolation {
  path: string;
  /** The policy key that allows it; absent when no policy can (server-only settings, reserved labels). */
  rule?: keyof TaskPolicyConfig;
  message: string;
}
