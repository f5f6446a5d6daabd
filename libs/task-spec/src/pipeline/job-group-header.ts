/**
 * SkyPilot's job group header (`execution: parallel` in a pipeline file's first document), checked as its
 * `dag_utils._load_job_group` checks it: a group name, `primary_tasks` naming tasks of the group,
 * `termination_delay` as one duration or a mapping per task, `inter_connection` a boolean. Its tasks must each have
 * a unique name of letters, digits, '-' and '_' (each runs on a cluster of its own and is addressed by it).
 */

/** A job group as `jobs launch` runs it: all tasks at once, each on its own cluster. */
export interface JobGroupHeader {
  name: string;
  /** Tasks whose end ends the group; the others (auxiliary) are cancelled then. Empty: every task is primary. */
  primaryTasks: string[];
  /** Seconds an auxiliary task keeps running after every primary task succeeded: per task name, else `default`. */
  terminationDelay: { default: number; tasks: Record<string, number> };
  /** `inter_connection` as written (SkyPilot's default is on); kept, not acted on. */
  interConnection: boolean | null;
}

export type HeaderProblem = (path: string[], message: string) => void;

/** The header keys SkyPilot reads; any other is ignored by SkyPilot (with a warning), as here. */
export const JOB_GROUP_HEADER_KEYS: readonly string[] = ['name', 'execution', 'primary_tasks', 'termination_delay', 'inter_connection'];

const DURATION = /^([0-9]+)([smhdwSMHDW])?$/;
const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };
/** SkyPilot's `c.isalnum() or c in '-_'` (Python's isalnum takes any Unicode letter or digit). */
const GROUP_NAME = /^[\p{L}\p{N}_-]+$/u;

/** `30`, `'30s'`, `'5m'`, ... as seconds; undefined when it is not a duration. */
export function durationSeconds(value: unknown): number | undefined {
  if (typeof value !== 'string' && !(typeof value === 'number' && Number.isInteger(value))) return undefined;
  const match = DURATION.exec(String(value));
  if (!match) return undefined;
  return Number(match[1]) * UNIT_SECONDS[(match[2] ?? 's').toLowerCase()];
}

/** Checks the header document; the task names are checked afterwards with `checkJobGroupTasks`. */
export function readJobGroupHeader(raw: Record<string, unknown>, problem: HeaderProblem): JobGroupHeader | undefined {
  let count = 0;
  const at: HeaderProblem = (path, message) => {
    count++;
    problem(path, message);
  };
  const name = raw.name;
  if (name === undefined || name === null) at([], "a job group's header (execution: parallel) needs a 'name'");
  else if (typeof name !== 'string' || !GROUP_NAME.test(name)) {
    at(['name'], `job group name '${String(name)}' is not valid: expected letters, digits, '-' and '_' only`);
  }
  const primary = raw.primary_tasks;
  if (primary !== undefined && primary !== null) {
    if (!Array.isArray(primary)) at(['primary_tasks'], `expected a list of task names, got ${typeof primary === 'object' ? 'a mapping' : `'${String(primary)}'`}`);
    else primary.forEach((p, i) => typeof p !== 'string' && at(['primary_tasks', String(i)], `expected a task name, got '${String(p)}'`));
  }
  const delay = { default: 0, tasks: {} as Record<string, number> };
  const rawDelay = raw.termination_delay;
  if (rawDelay !== undefined && rawDelay !== null) {
    if (typeof rawDelay === 'object' && !Array.isArray(rawDelay)) {
      for (const [key, value] of Object.entries(rawDelay as Record<string, unknown>)) {
        const seconds = durationSeconds(value);
        if (seconds === undefined) at(['termination_delay', key], `'${String(value)}' is not a duration: expected NUMBER[s|m|h|d|w] such as 30s, 5m or 1h`);
        else if (key === 'default') delay.default = seconds;
        else delay.tasks[key] = seconds;
      }
    } else {
      const seconds = durationSeconds(rawDelay);
      if (seconds === undefined) at(['termination_delay'], `'${String(rawDelay)}' is not a duration: expected NUMBER[s|m|h|d|w] such as 30s, 5m or 1h, or a mapping of task name (or default) to one`);
      else delay.default = seconds;
    }
  }
  const inter = raw.inter_connection;
  if (inter !== undefined && inter !== null && typeof inter !== 'boolean') at(['inter_connection'], `expected true or false, got '${String(inter)}'`);
  if (count) return undefined;
  return {
    name: name as string,
    primaryTasks: Array.isArray(primary) ? (primary as string[]) : [],
    terminationDelay: delay,
    interConnection: typeof inter === 'boolean' ? inter : null,
  };
}

/**
 * The group's tasks by name: each named (names of letters, digits, '-', '_'), no name twice, and every name the
 * header lists (primary_tasks, termination_delay) one of them. `problem(index, path, message)` names the task.
 */
export function checkJobGroupTasks(header: JobGroupHeader, taskNames: Array<unknown>, problem: (task: number | null, path: string[], message: string) => void): void {
  const seen = new Set<string>();
  taskNames.forEach((name, i) => {
    if (name === undefined || name === null) problem(i, [], `every task of a job group needs a 'name' (task ${i + 1} has none): the group's tasks are told apart by it`);
    else if (typeof name !== 'string' || !GROUP_NAME.test(name)) problem(i, ['name'], `task name '${String(name)}' is not valid in a job group: expected letters, digits, '-' and '_' only`);
    else if (seen.has(name)) problem(i, ['name'], `task name '${name}' appears twice in job group '${header.name}': each task needs its own name`);
    else seen.add(name);
  });
  const known = [...seen].sort().join(', ');
  for (const p of header.primaryTasks) if (!seen.has(p)) problem(null, ['primary_tasks'], `primary_tasks names '${p}', which is not a task of this job group (its tasks: ${known})`);
  for (const k of Object.keys(header.terminationDelay.tasks)) {
    if (!seen.has(k)) problem(null, ['termination_delay', k], `termination_delay names '${k}', which is not a task of this job group (its tasks: ${known}, or default)`);
  }
}
