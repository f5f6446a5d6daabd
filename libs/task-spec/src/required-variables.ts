import type { TaskSpec } from './types/task-spec.types';

/** Envs and secrets the task declares with no value: they must be given at launch (`--env`, `--secret`). */
export function requiredVariables(task: TaskSpec): { envs: string[]; secrets: string[] } {
  return {
    envs: Object.entries(task.envs).filter(([, v]) => v === null).map(([k]) => k),
    secrets: Object.entries(task.secrets).filter(([, v]) => v === null).map(([k]) => k),
  };
}
