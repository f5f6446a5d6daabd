import { ErrorCode, LAUNCH_BODY_FIELDS, SkyportError, type LaunchRequestBody, type TaskOverrides } from '@skyport/contracts';
import { NUM_NODES_CEILING, applyLaunchInputs, invalidTask, parseTaskObject, parseTaskYaml, taskBoundProblems, type TaskBounds, type TaskSpec } from '@skyport/task-spec';

const BODY_KEYS: ReadonlySet<string> = new Set(LAUNCH_BODY_FIELDS);

/** Queue options of a launch body (beside the task): priority within the team's queue, and fail-fast. */
export function readQueueOptions(raw: unknown): Pick<LaunchRequestBody, 'priority'> & { failFast: boolean } {
  const body = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const priority = body.priority;
  if (priority === undefined || priority === null) return { failFast: readFailFast(body) };
  if (typeof priority !== 'number' || !Number.isInteger(priority) || priority < -1000 || priority > 1000) {
    throw invalid('"priority" must be a whole number from -1000 to 1000 (higher launches first)');
  }
  return { priority, failFast: readFailFast(body) };
}

function readFailFast(body: Record<string, unknown>): boolean {
  if (body.failFast !== undefined && typeof body.failFast !== 'boolean') throw invalid('"failFast" must be true or false');
  return body.failFast === true;
}

function invalid(message: string, details?: Record<string, unknown>): SkyportError {
  return new SkyportError(ErrorCode.InvalidRequest, message, details);
}

function stringMap(value: unknown, field: string): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(`'${field}' must be an object of strings`);
  for (const [k, v] of Object.entries(value)) if (typeof v !== 'string') throw invalid(`'${field}.${k}' must be a string`);
  return value as Record<string, string>;
}

/** Checks the shape of a launch/exec body (the task itself is checked by libs/task-spec). */
export function readLaunchBody(raw: unknown): LaunchRequestBody {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw invalid('the request body must be a JSON object with a "task" field');
  const body = raw as Record<string, unknown>;
  const unknownKeys = Object.keys(body).filter((k) => !BODY_KEYS.has(k));
  if (unknownKeys.length) throw invalid(`unknown field(s) in the request body: ${unknownKeys.join(', ')}`, { fields: unknownKeys });
  if (typeof body.task !== 'string' && (typeof body.task !== 'object' || body.task === null || Array.isArray(body.task))) {
    throw invalid('"task" is required: the task YAML as a string, or the task as an object');
  }
  const autostop = body.autostop as LaunchRequestBody['autostop'] | undefined;
  if (autostop !== undefined) {
    if (typeof autostop !== 'object' || autostop === null || typeof autostop.idleMinutes !== 'number' || autostop.idleMinutes < 0) {
      throw invalid('"autostop" must be {"idleMinutes": <minutes ≥ 0>, "down": <bool>}');
    }
  }
  for (const flag of ['dryrun', 'noBurst', 'retryUntilUp'] as const) {
    if (body[flag] !== undefined && typeof body[flag] !== 'boolean') throw invalid(`"${flag}" must be true or false`);
  }
  if (body.overrides !== undefined && (typeof body.overrides !== 'object' || body.overrides === null || Array.isArray(body.overrides))) {
    throw invalid('"overrides" must be an object');
  }
  return {
    task: body.task as LaunchRequestBody['task'],
    overrides: body.overrides as TaskOverrides | undefined,
    envs: stringMap(body.envs, 'envs'),
    secrets: stringMap(body.secrets, 'secrets'),
    autostop,
    dryrun: body.dryrun as boolean | undefined,
    noBurst: body.noBurst as boolean | undefined,
    retryUntilUp: body.retryUntilUp as boolean | undefined,
    // Checked here as well (readQueueOptions throws on a bad one), so every body this returns is valid as a whole.
    priority: readQueueOptions(body).priority,
    failFast: body.failFast as boolean | undefined,
  };
}

export interface ResolvedTask {
  /** The task as it will run, with secret values removed (keys kept, values null). */
  task: TaskSpec;
  /** Secret values, stored apart from the task. */
  secretValues: Record<string, string>;
}

/**
 * The bounds when no team limit is given: the largest `policy.max_num_nodes` an admin may set. The caller's own
 * limit (its team's policy) is applied first by PolicyService.admit, before the launch reaches here.
 */
export const SERVER_TASK_BOUNDS: Partial<TaskBounds> = { numNodes: NUM_NODES_CEILING };

/**
 * Parses and checks the task (bounds included, again after the overrides so `--num-nodes` cannot go around them),
 * applies overrides, `--env` and `--secret`, and separates the secret values.
 */
export function resolveTask(body: LaunchRequestBody, bounds: Partial<TaskBounds> = SERVER_TASK_BOUNDS): ResolvedTask {
  try {
    return resolveTaskUnchecked(body, bounds);
  } catch (error) {
    if (error instanceof SkyportError) throw error;
    // The parser should have said this itself; never let it become a 500.
    throw new SkyportError(ErrorCode.InvalidTask, `the task could not be read: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function resolveTaskUnchecked(body: LaunchRequestBody, bounds: Partial<TaskBounds>): ResolvedTask {
  let task: TaskSpec;
  if (typeof body.task === 'string') {
    const file = parseTaskYaml(body.task, { bounds });
    if (file.jobGroup) {
      throw new SkyportError(
        ErrorCode.InvalidTask,
        `this file is a job group ('${file.jobGroup.name}', execution: parallel) of ${file.tasks.length} task(s); a cluster runs one task — submit the group as a managed job (POST /v1/jobs, 'skyport jobs launch'), which runs all its tasks at once, each on its own cluster`,
        { tasks: file.tasks.length },
      );
    }
    if (file.tasks.length !== 1) {
      throw new SkyportError(
        ErrorCode.InvalidTask,
        `this file is a pipeline of ${file.tasks.length} tasks${file.pipelineName ? ` ('${file.pipelineName}')` : ''}; a cluster runs one task — submit the pipeline as a managed job (POST /v1/jobs, 'skyport jobs launch'), which runs its tasks in order`,
        { tasks: file.tasks.length },
      );
    }
    task = file.tasks[0];
  } else {
    task = parseTaskObject(body.task, { bounds });
  }
  const resolved = applyLaunchInputs(task, { overrides: body.overrides, envs: body.envs, secrets: body.secrets });
  const over = taskBoundProblems(resolved, bounds);
  if (over.length) throw invalidTask(over);
  const secretValues: Record<string, string> = {};
  for (const [k, v] of Object.entries(resolved.secrets)) {
    if (typeof v === 'string') secretValues[k] = v;
    resolved.secrets[k] = null;
  }
  return { task: resolved, secretValues };
}
