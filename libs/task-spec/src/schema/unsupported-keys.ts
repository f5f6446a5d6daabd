/**
 * Keys that SkyPilot accepts and Skyport deliberately does not support. A task using one is rejected with a
 * message naming the key and why, never silently half-run. Keep README.md's table in step with this list.
 */
export const UNSUPPORTED_TOP_LEVEL_KEYS: Readonly<Record<string, string>> = {
  pool: 'SkyPilot pools (`pool:`, worker pools for managed jobs) are not supported by Skyport; launch the task on a cluster with `skyport launch`',
  // Job group keys are read in the group's header only (a first document with `execution: parallel`).
  execution: "it belongs in a pipeline's or job group's header (a first document of its own with name: and execution: serial or parallel), not in a task",
  primary_tasks: "it belongs in a job group's header (a first document of its own with name: and execution: parallel), not in a task",
  termination_delay: "it belongs in a job group's header (a first document of its own with name: and execution: parallel), not in a task",
  managed_secrets: 'managed secrets (`managed_secrets:`, resolved from a secrets provider) are not supported by Skyport; list them under `secrets:` as NAME: null and pass --secret NAME=... at launch',
};

/**
 * Keys SkyPilot accepts that Skyport validates and keeps but does not act on (cloud-VM tuning and managed-job
 * settings that have no meaning on Kubernetes yet). Reported in `TaskSpec.ignoredKeys`, not rejected.
 */
export const IGNORED_RESOURCE_KEYS: readonly string[] = [
  'disk_tier',
  'network_tier',
  'job_recovery',
  'accelerator_args',
  'local_disk',
  'max_hourly_cost',
  'priority_class',
  '_cluster_config_overrides',
];
export const IGNORED_TOP_LEVEL_KEYS: readonly string[] = ['inputs', 'outputs', 'service', 'event_callback', 'api_server_access', 'file_mounts_mapping', '_metadata'];
