export type { TaskPolicyConfig, TaskPolicy, PolicyViolation } from './task-policy.types';
export { DEFAULT_TASK_POLICY, DEFAULT_ALLOWED_VOLUME_TYPES, resolveTaskPolicy } from './task-policy.defaults';
export { checkTaskPolicy, enforceTaskPolicy, taskPolicyError } from './task-policy.check';
export type { TaskPolicyInput } from './task-policy.check';
export { TASK_POLICY_SCHEMA, readTaskPolicyConfig } from './task-policy.schema';
