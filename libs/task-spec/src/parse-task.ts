import { ErrorCode, SkyportError, clusterNameProblem } from '@skyport/contracts';
import type { AcceleratorNames } from './accelerators/accelerator-names';
import { CATALOG_ACCELERATOR_NAMES } from './accelerators/catalog-accelerator-names';
import { documentBoundProblems, taskBoundProblems, type TaskBounds } from './bounds/task-bounds';
import { invalidTask } from './errors/task-errors';
import { normaliseTask } from './normalise/normalise-task';
import { formatPath, validateTaskSchema, type KeyPath } from './schema/validate-schema';
import type { ParsedTaskFile, TaskProblem, TaskSpec } from './types/task-spec.types';
import { parseYamlDocuments, type YamlDocument } from './yaml/yaml-documents';
import { checkJobGroupTasks, readJobGroupHeader, type JobGroupHeader } from './pipeline/job-group-header';

export interface ParseOptions {
  /** File name for messages (`Invalid task file train.yaml: ...`). */
  source?: string;
  /** The accelerator name table; defaults to the one installed with `setDefaultAcceleratorNames`. */
  acceleratorNames?: AcceleratorNames;
  /** Limits other than the defaults (the server passes its admin's `policy.max_num_nodes`). */
  bounds?: Partial<TaskBounds>;
}

let defaultNames: AcceleratorNames = CATALOG_ACCELERATOR_NAMES;

/** Installs the accelerator table used when a call does not pass one (libs/catalog's, at load time). */
export function setDefaultAcceleratorNames(names: AcceleratorNames): void {
  defaultNames = names;
}

export function getDefaultAcceleratorNames(): AcceleratorNames {
  return defaultNames;
}

export type TaskCheckResult = { ok: true; file: ParsedTaskFile } | { ok: false; problems: TaskProblem[] };

/**
 * Parses and checks a task file (one or several YAML documents) without throwing: every problem in every
 * document is collected. `parseTaskYaml` is the throwing form.
 */
export function checkTaskYaml(text: string, options: ParseOptions = {}): TaskCheckResult {
  const parsed = parseYamlDocuments(text);
  if (!parsed.ok) return { ok: false, problems: parsed.problems };
  return checkDocuments(parsed.documents, options);
}

/** Parses a task file; throws `SkyportError(INVALID_TASK)` listing every problem (with line and column). */
export function parseTaskYaml(text: string, options: ParseOptions = {}): ParsedTaskFile {
  const result = checkTaskYaml(text, options);
  if (!result.ok) throw invalidTask(result.problems, options.source);
  return result.file;
}

/** The same checks for a task that arrives already parsed (a JSON body); one document, no line numbers. */
export function parseTaskObject(value: unknown, options: ParseOptions = {}): TaskSpec {
  const result = checkDocuments([{ index: 1, value, positionOf: () => undefined }], options);
  if (!result.ok) throw invalidTask(result.problems, options.source);
  if (result.file.tasks.length !== 1) throw invalidTask([{ path: '', message: 'expected one task' }], options.source);
  return result.file.tasks[0];
}

function checkDocuments(documents: YamlDocument[], options: ParseOptions): TaskCheckResult {
  const names = options.acceleratorNames ?? defaultNames;
  const multi = documents.length > 1;
  if (documents.length === 0) {
    return { ok: false, problems: [{ path: '', message: 'the file has no task in it (it is empty or only comments)' }] };
  }
  const problems: TaskProblem[] = [];
  const tasks: TaskSpec[] = [];
  let pipelineName: string | undefined;
  let jobGroup: JobGroupHeader | undefined;
  let groupHeader: YamlDocument | undefined;
  /** Each task document's `name` as written, for a job group's checks (which need every task named). */
  const taskNames: Array<{ doc: YamlDocument; name: unknown }> = [];
  documents.forEach((doc, i) => {
    const tag = multi ? { document: doc.index } : {};
    const at = (path: KeyPath, message: string, extra: Partial<TaskProblem> = {}): void => {
      const pos = doc.positionOf(path);
      problems.push({ path: formatPath(path), message, ...(pos ? { line: pos.line, column: pos.column } : {}), ...tag, ...extra });
    };
    const value = doc.value;
    // An empty document between two others (`---` twice) is skipped, as SkyPilot skips it.
    if (multi && value === null) return;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      at([], `expected a mapping of task keys (name, resources, setup, run, ...), got ${Array.isArray(value) ? 'a list' : `'${String(value)}'`}`);
      return;
    }
    const raw = value as Record<string, unknown>;
    // SkyPilot's pipeline files start with a document that only names the pipeline, optionally with
    // `execution: serial`; a first document with `execution: parallel` is a job group's header (SkyPilot's
    // `is_job_group_yaml`: its tasks run at once, each on its own cluster, through `jobs launch`).
    const keys = Object.keys(raw);
    if (multi && i === 0 && raw.execution === 'parallel') {
      groupHeader = doc;
      jobGroup = readJobGroupHeader(raw, (path, message) => at(path, message));
      return;
    }
    if (multi && i === 0 && 'name' in raw && keys.every((k) => k === 'name' || k === 'execution')) {
      if (raw.execution === undefined || raw.execution === 'serial') {
        pipelineName = String(raw.name);
        return;
      }
      at(['execution'], `execution '${String(raw.execution)}' is not valid: expected 'serial' (a pipeline; the default) or 'parallel' (a job group)`);
      return;
    }
    taskNames.push({ doc, name: raw.name });
    // Size first: a document too deep or too long is refused before the schema walks it.
    const sizeProblems = documentBoundProblems(raw, options.bounds);
    if (sizeProblems.length) {
      for (const p of sizeProblems) problems.push({ ...p, ...tag });
      return;
    }
    const schemaProblems = validateTaskSchema(raw);
    for (const p of schemaProblems) at(p.keyPath, p.message, p.unsupportedKey ? { unsupportedKey: p.unsupportedKey } : {});
    let checked = raw;
    if (schemaProblems.length) {
      // Unknown keys alone do not stop the other checks: without them the rest may still be checked, so one
      // run reports every mistake (a misspelt key and a bad accelerator together).
      const withoutUnknown = schemaProblems.every((p) => p.unknownKey) ? removeKeys(raw, schemaProblems.map((p) => p.keyPath)) : undefined;
      if (!withoutUnknown || validateTaskSchema(withoutUnknown).length) return;
      checked = withoutUnknown;
    }
    const before = problems.length;
    const task = normaliseTask(checked, { names, problem: (path, message, extra) => at(path, message, extra) });
    if (problems.length === before && !schemaProblems.length) {
      const over = taskBoundProblems(task, options.bounds);
      for (const p of over) at(p.path.split('.'), p.message);
      if (!over.length) tasks.push(task);
    }
  });
  if (jobGroup && groupHeader) {
    const header = groupHeader;
    const group = jobGroup;
    checkJobGroupTasks(group, taskNames.map((t) => t.name), (task, path, message) => {
      const doc = task === null ? header : taskNames[task].doc;
      const pos = doc.positionOf(path);
      problems.push({ path: formatPath(path), message, ...(pos ? { line: pos.line, column: pos.column } : {}), document: doc.index });
    });
  }
  if (problems.length) return { ok: false, problems };
  if (jobGroup) return { ok: true, file: { tasks, pipelineName: jobGroup.name, jobGroup } };
  return { ok: true, file: pipelineName !== undefined ? { tasks, pipelineName } : { tasks } };
}

function removeKeys(value: Record<string, unknown>, paths: ReadonlyArray<readonly string[]>): Record<string, unknown> {
  const copy = structuredClone(value);
  for (const path of paths) {
    let node: unknown = copy;
    for (const segment of path.slice(0, -1)) node = (node as Record<string, unknown> | undefined)?.[segment];
    if (node && typeof node === 'object') delete (node as Record<string, unknown>)[path[path.length - 1]];
  }
  return copy;
}

/** Throws `SkyportError(INVALID_CLUSTER_NAME)` when the name cannot become Kubernetes object names. */
export function assertClusterName(name: string): void {
  const problem = clusterNameProblem(name);
  if (problem) throw new SkyportError(ErrorCode.InvalidClusterName, problem, { clusterName: name });
}
