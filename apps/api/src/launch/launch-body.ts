import { z } from 'zod';
import { ErrorCode, LaunchRequestBodySchema, SkyportError, readRestBody, type LaunchRequestBody } from '@skyport/contracts';
import { NUM_NODES_CEILING, applyLaunchInputs, invalidTask, parseTaskObject, parseTaskYaml, taskBoundProblems, type TaskBounds, type TaskSpec } from '@skyport/task-spec';

/**
 * The launch body's schema as the api reads it: `overrides` only has to be an object here, because its fields are
 * checked by libs/task-spec with the CLI flag's own message (`--ports: port 70000 is out of range`). Built once.
 */
const LAUNCH_BODY = LaunchRequestBodySchema.extend({
  overrides: z.record(z.string(), z.unknown(), { error: '"overrides" must be an object, not {value}' }).optional(),
});

/** The queue options of a body that is not itself a launch body (a managed job's), read by the same schema. */
const QUEUE_OPTIONS = z.looseObject(LaunchRequestBodySchema.pick({ priority: true, failFast: true }).shape);

/** Queue options of a launch body (beside the task): priority within the team's queue, and fail-fast. */
export function readQueueOptions(raw: unknown): Pick<LaunchRequestBody, 'priority'> & { failFast: boolean } {
  const { priority, failFast } = readRestBody(QUEUE_OPTIONS, typeof raw === 'object' && raw !== null ? raw : {});
  return priority === undefined ? { failFast: failFast === true } : { priority, failFast: failFast === true };
}

/** Checks the shape of a launch/exec body (the task itself is checked by libs/task-spec). */
export function readLaunchBody(raw: unknown): LaunchRequestBody {
  return readRestBody(LAUNCH_BODY, raw) as LaunchRequestBody;
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
