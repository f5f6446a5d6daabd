import { ErrorCode, SkyportError } from '@skyport/contracts';
import type { TaskProblem } from '../types/task-spec.types';

/** Formats one problem as a line for people: `resources.cpus (line 4, column 9): ...`. */
export function formatProblem(problem: TaskProblem): string {
  const where: string[] = [];
  if (problem.document !== undefined) where.push(`document ${problem.document}`);
  if (problem.line !== undefined) where.push(`line ${problem.line}${problem.column !== undefined ? `, column ${problem.column}` : ''}`);
  if (!problem.path) return where.length ? `${where.join(', ')}: ${problem.message}` : problem.message;
  return `${problem.path}${where.length ? ` (${where.join(', ')})` : ''}: ${problem.message}`;
}

/**
 * The one error a task file produces: code INVALID_TASK, a message listing every problem, and the problems
 * themselves in `details.problems` for programs.
 */
export function invalidTask(problems: TaskProblem[], source?: string): SkyportError {
  const head = source ? `Invalid task file ${source}` : 'Invalid task';
  const lines = problems.map((p) => `  - ${formatProblem(p)}`);
  const unsupported = [...new Set(problems.flatMap((p) => (p.unsupportedKey ? [p.unsupportedKey] : [])))];
  const details: Record<string, unknown> = { problems };
  if (unsupported.length) details.unsupportedKeys = unsupported;
  return new SkyportError(ErrorCode.InvalidTask, `${head}:\n${lines.join('\n')}`, details);
}

/** Problems collected while checking one document; thrown once at the end so users see them all. */
export class ProblemList {
  readonly items: TaskProblem[] = [];
  add(path: string, message: string, extra: Partial<TaskProblem> = {}): void {
    this.items.push({ path, message, ...extra });
  }
  get empty(): boolean {
    return this.items.length === 0;
  }
}
