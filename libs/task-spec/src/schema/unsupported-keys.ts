/**
 * Keys that SkyPilot accepts and Skyport deliberately does not support. A task using one is rejected with a
 * message naming the key and why, never silently half-run. Keep README.md's table in step with this list.
 */
export const UNSUPPORTED_TOP_LEVEL_KEYS: Readonly<Record<string, string>> = {
  pool: 'SkyPilot pools (`pool:`, worker pools for managed jobs) are not supported by Skyport; launch the task on a cluster with `skyport launch`',
  execution: 'job groups (a header document with `execution:`) are not supported by Skyport; launch each task separately',
  primary_tasks: 'job groups (`primary_tasks:`) are not supported by Skyport; launch each task separately',
  termination_delay: 'job groups (`termination_delay:`) are not supported by Skyport; launch each task separately',
};

/**
 * Keys SkyPilot accepts that Skyport validates and keeps but does not act on (cloud-VM tuning and managed-job
 * settings that have no meaning on Kubernetes yet). Reported in `TaskSpec.ignoredKeys`, not rejected.
 */
export const IGNORED_RESOURCE_KEYS: readonly string[] = ['disk_tier', 'network_tier', 'job_recovery', 'spot_recovery', 'accelerator_args'];
export const IGNORED_TOP_LEVEL_KEYS: readonly string[] = ['inputs', 'outputs', 'service'];
