import { parseAllDocuments, type Document } from 'yaml';

/** A task file's documents as a pipeline: its name (SkyPilot's header document) and each task's YAML text. */
export interface PipelineDocuments {
  /** `name` of a first document holding only `name` (and `execution`), SkyPilot's pipeline header. */
  name: string | null;
  /** `execution` of that header: `parallel` is SkyPilot's job group (its tasks run at once, `jobs launch`). */
  execution: string | null;
  /** The header document as written (a job group's carries primary_tasks, termination_delay, ...). */
  header: Record<string, unknown> | null;
  /** Each task's document as its own YAML text, in order (empty documents skipped, as SkyPilot skips them). */
  tasks: string[];
}

/** A document as a file of its own (without the `---` that began it, so it reads as a single document). */
const asFile = (d: Document): string => d.toString().replace(/^---\n/, '');

/**
 * Splits a task file into a pipeline's tasks, as SkyPilot's `load_chain_dag_from_yaml` reads it. A file that does
 * not parse, or holds one document, stays whole: the task parser then reports its problems with their lines.
 */
export function pipelineDocuments(text: string): PipelineDocuments {
  const whole: PipelineDocuments = { name: null, execution: null, header: null, tasks: [text] };
  const docs = parseAllDocuments(text);
  if (!Array.isArray(docs) || docs.some((d) => d.errors.length)) return whole;
  // An empty document (`---` twice) parses to a null scalar.
  const present = docs.filter((d) => d.contents !== null && d.toJS() !== null);
  if (present.length <= 1) return whole;
  const first = present[0].toJS() as unknown;
  if (typeof first === 'object' && first !== null && !Array.isArray(first)) {
    const header = first as Record<string, unknown>;
    // A job group's header may carry more keys (primary_tasks, termination_delay, ...): SkyPilot takes any first
    // document with `execution: parallel` as one.
    if (header.execution === 'parallel' || ('name' in header && Object.keys(header).every((k) => k === 'name' || k === 'execution'))) {
      present.shift();
      const name = header.name === undefined || header.name === null ? null : String(header.name);
      return { name, execution: header.execution === undefined ? null : String(header.execution), header, tasks: present.map(asFile) };
    }
  }
  return { name: null, execution: null, header: null, tasks: present.map(asFile) };
}
