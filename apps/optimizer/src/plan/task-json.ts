import { ErrorCode, SkyportError } from '@skyport/contracts';
import type { PlanTask } from '@skyport/planner';

function invalid(what: string): SkyportError {
  return new SkyportError(ErrorCode.InvalidTask, `the task to plan is not a normalised task: ${what}`);
}

/**
 * The normalised task (libs/task-spec's TaskSpec, as the api stores and sends it) checked for the fields planning
 * reads. The api validated the task; this guards against a request made by something else.
 */
export function planTaskFrom(value: unknown): PlanTask {
  if (!value || typeof value !== 'object') throw invalid('expected an object');
  const task = value as Partial<PlanTask>;
  if (!Array.isArray(task.resources) || task.resources.length === 0) throw invalid('resources must be a non-empty list');
  for (const [i, res] of task.resources.entries()) {
    if (!res || typeof res !== 'object') throw invalid(`resources[${i}] is not an object`);
    if (res.accelerator && (typeof res.accelerator.name !== 'string' || typeof res.accelerator.count !== 'number')) {
      throw invalid(`resources[${i}].accelerator must have a name and a count`);
    }
  }
  const numNodes = task.numNodes ?? 1;
  if (!Number.isInteger(numNodes) || numNodes < 1) throw invalid('numNodes must be a whole number of at least 1');
  return {
    numNodes,
    resourcesOrder: task.resourcesOrder === 'ordered' ? 'ordered' : 'any',
    resources: task.resources.map((r) => ({ ...r, useSpot: r.useSpot === true })),
  };
}

export function planTaskFromJson(json: string): PlanTask {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new SkyportError(ErrorCode.InvalidTask, 'task_json is not valid JSON');
  }
  return planTaskFrom(parsed);
}
