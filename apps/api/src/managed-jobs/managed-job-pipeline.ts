import { z } from 'zod';
import { ErrorCode, PipelineFieldsSchema, SkyportError, readRestBody, type LaunchRequestBody } from '@skyport/contracts';
import { invalidTask, pipelineDocuments, readJobGroupHeader, type JobGroupHeader, type TaskProblem } from '@skyport/task-spec';

/** More tasks than this in one pipeline is refused (each is checked and stored at submit). */
export const MAX_PIPELINE_TASKS = 32;

/** A `POST /v1/jobs` body as the pipeline's tasks: one launch body per task, in order, and the pipeline's name. */
export interface PipelineBody {
  /** The launch body without the task (overrides, envs, secrets, queue flags): each task is admitted with it. */
  common: Omit<LaunchRequestBody, 'task'> & Record<string, unknown>;
  tasks: Array<string | Record<string, unknown>>;
  /** `name` of the body, else the header document's (`name:` alone, SkyPilot's pipeline header). */
  name: string | null;
  /** A job group (`execution: parallel` in the header): the tasks run at once, each on its own cluster. */
  group: JobGroupHeader | null;
}

/** The pipeline's own fields, checked here; the rest of the body is each task's launch body (checked as a launch's). */
const PIPELINE_FIELDS = z.looseObject(PipelineFieldsSchema.shape, { error: 'the request body must be a JSON object with a "task" (or "tasks") field' });

function invalid(message: string, details?: Record<string, unknown>): SkyportError {
  return new SkyportError(ErrorCode.InvalidRequest, message, details);
}

/**
 * Splits a `POST /v1/jobs` body into its tasks: `tasks: [...]`, or `task` as YAML with several documents (SkyPilot's
 * pipeline file: an optional first document naming it, then one document per task), or one task. Each task is
 * then checked exactly as a launch's task is.
 */
export function pipelineOf(raw: unknown): PipelineBody {
  const { tasks: listed, name, task, header: listedHeader, ...common } = readRestBody(PIPELINE_FIELDS, raw);
  let tasks: Array<string | Record<string, unknown>>;
  let header: string | null = null;
  let group: JobGroupHeader | null = null;
  if (listedHeader !== undefined && listed === undefined) throw invalid('"header" goes with "tasks" (a pipeline or job group given task by task)');
  if (listed !== undefined) {
    if (task !== undefined) throw invalid('give either "task" or "tasks", not both');
    if (listedHeader !== undefined) ({ header, group } = readHeader(listedHeader));
    tasks = listed;
  } else if (typeof task === 'string') {
    ({ tasks, header, group } = splitDocuments(task));
  } else {
    tasks = [task as Record<string, unknown>]; // absent: the launch reader says a task is required
  }
  if (tasks.length > MAX_PIPELINE_TASKS) throw invalid(`a pipeline may have at most ${MAX_PIPELINE_TASKS} tasks; this one has ${tasks.length}`, { tasks: tasks.length });
  let renamed: string | undefined;
  if (tasks.length > 1 && common.overrides !== undefined) {
    const overrides = (typeof common.overrides === 'object' && common.overrides !== null ? common.overrides : {}) as Record<string, unknown>;
    if (Object.keys(overrides).some((k) => k !== 'name')) {
      throw invalid('resource overrides (--cpus, --gpus, --infra, ...) apply to one task; set them in each task of the pipeline instead', { tasks: tasks.length });
    }
    // `-n NAME` names the pipeline (SkyPilot's `jobs launch -n` renames the DAG), not each of its tasks.
    if (typeof overrides.name === 'string') renamed = overrides.name;
    delete common.overrides;
  }
  return { common: common as PipelineBody['common'], tasks, name: name?.trim() ?? renamed ?? header, group };
}

/** A multi-document task text as its tasks, with its header's name and, for `execution: parallel`, the job group. */
function splitDocuments(text: string): { tasks: string[]; header: string | null; group: JobGroupHeader | null } {
  const docs = pipelineDocuments(text);
  if (docs.header) return { tasks: docs.tasks, ...readHeader(docs.header) };
  return { tasks: docs.tasks, header: null, group: null };
}

/** A header document: a pipeline's name (`execution: serial` or none), or a job group's settings, checked as task-spec checks them. */
function readHeader(raw: unknown): { header: string | null; group: JobGroupHeader | null } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw invalid('"header" must be the header document as an object (name, execution, ...)');
  const doc = raw as Record<string, unknown>;
  if (doc.execution === 'parallel') {
    const problems: TaskProblem[] = [];
    const group = readJobGroupHeader(doc, (path, message) => problems.push({ path: path.join('.'), message }));
    if (!group) throw invalidTask(problems, 'the job group header');
    return { header: group.name, group };
  }
  if (doc.execution !== undefined && doc.execution !== null && doc.execution !== 'serial') {
    throw new SkyportError(ErrorCode.InvalidTask, `execution '${String(doc.execution)}' is not valid: expected 'serial' (a pipeline; the default) or 'parallel' (a job group)`);
  }
  return { header: doc.name === undefined || doc.name === null ? null : String(doc.name), group: null };
}

/**
 * Names as SkyPilot fills them (`maybe_infer_and_fill_dag_and_task_names`): one task takes the pipeline's name (or
 * gives it its own); in a longer pipeline an unnamed task is `<pipeline>-<index>`.
 */
export function pipelineNames(pipelineName: string | null, taskNames: Array<string | null | undefined>): { name: string | null; tasks: Array<string | null> } {
  if (taskNames.length === 1) {
    const name = pipelineName ?? taskNames[0] ?? null;
    return { name, tasks: [name] };
  }
  const name = pipelineName ?? 'pipeline';
  return { name, tasks: taskNames.map((t, i) => t ?? `${name}-${i}`) };
}

/**
 * `SKYPILOT_TASK_ID` of every task, as SkyPilot's controller writes them (`get_global_job_id(..., task_id=i,
 * is_managed_job=True)`): `sky-managed-<YYYY-MM-DD-HH-MM-SS-ffffff>_<name>_<job id>-<task index>`, where the name
 * is the pipeline's for a single task and `<pipeline>_<task>` in a longer pipeline. SKYPILOT_TASK_IDS is this
 * list joined with newlines.
 */
export function pipelineTaskIds(jobId: number, submittedAt: Date, pipelineName: string | null, taskNames: Array<string | null>): string[] {
  const d = submittedAt;
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  const stamp = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}-${pad(d.getUTCHours())}-${pad(d.getUTCMinutes())}-${pad(d.getUTCSeconds())}-${pad(d.getUTCMilliseconds(), 3)}000`;
  return taskNames.map((task, i) => {
    const name = taskNames.length <= 1 ? (pipelineName ?? task ?? 'task') : `${pipelineName ?? 'pipeline'}_${task ?? i}`;
    return `sky-managed-${stamp}_${name}_${jobId}-${i}`;
  });
}
