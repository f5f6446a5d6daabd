import type { TaskPolicyConfig } from './policy/task-policy.types';

/**
 * `~/.skyport/config.yaml` (or `$SKYPORT_CONFIG`), SkyPilot's shape where one exists. Keys stay in the file's
 * snake_case so a SkyPilot config section can be pasted in.
 */
export interface SkyportConfig {
  api?: ApiConfig;
  kubernetes?: KubernetesConfig;
  /** Clouds Skyport may burst to (SkyPilot's `allowed_clouds`); absent = every cloud with a catalog. */
  allowed_clouds?: string[];
  /** The admin's policy for tasks' Kubernetes settings (trusted; tasks are checked against it). */
  policy?: TaskPolicyConfig;
  /** Other sections (`aws`, `gcp`, `jobs`, ...) as written; validated only as mappings. */
  [section: string]: unknown;
}

export interface ApiConfig {
  /** Where the CLI finds the api; `SKYPORT_API_URL` overrides it. */
  endpoint?: string;
  /** Bearer token; `SKYPORT_TOKEN` overrides it. */
  token?: string;
}

export type PortsMode = 'loadbalancer' | 'ingress' | 'podip';

/** Kubernetes pricing for the optimizer: Kubernetes candidates cost $0/hour unless set. */
export interface KubernetesPricing {
  cpu_per_hour?: number;
  memory_gb_per_hour?: number;
  /** Per accelerator (canonical name) per hour. */
  accelerators?: Record<string, number>;
}

/** The settings that may be set globally, per context, per task (`config:`) and on the command line. */
export interface KubernetesSettings {
  pod_config?: Record<string, unknown>;
  custom_metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  /** Seconds to wait for pods to be scheduled before failing over. */
  provision_timeout?: number;
  ports?: PortsMode;
  /** The cluster autoscaler kind (`gke`, `karpenter`, `coreweave`, `generic`, ...): scale-ups take longer. */
  autoscaler?: string;
  pricing?: KubernetesPricing;
  image_pull_secrets?: string[];
  /** Namespace for the task's objects; absent = the context's namespace. */
  namespace?: string;
}

export interface KubernetesConfig extends KubernetesSettings {
  /** Contexts Skyport may use: a list, or `all` for every context in the kubeconfig. Absent = the current one. */
  allowed_contexts?: string[] | 'all';
  /** Per-context overrides of any setting above. */
  context_configs?: Record<string, KubernetesSettings>;
}
