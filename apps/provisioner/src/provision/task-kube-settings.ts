import type { TaskSpec } from '@skyport/task-spec';

/** The task's `config.kubernetes` in camelCase (libs/task-spec) back to the config file's keys. */
export function kubeSettingsOfTask(task: Pick<TaskSpec, 'config'>): Record<string, unknown> | undefined {
  const k = task.config?.kubernetes;
  if (!k) return undefined;
  const { podConfig: _pc, provisionTimeout, ...rest } = k;
  // pod_config layers are merged by the pod builder with the rules, not by the settings resolver.
  return { ...rest, ...(provisionTimeout !== undefined ? { provision_timeout: provisionTimeout } : {}) };
}
