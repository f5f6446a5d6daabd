import { existsSync, readFileSync, statSync } from 'node:fs';
import { InvalidArgumentError } from 'commander';
import { CliExit, ExitCode } from '../context/exit-codes';

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Collects a repeatable option into a list. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/**
 * `--env K=V` values, and `--env K` which takes K from the local environment (as SkyPilot does).
 * Throws CliExit (exit 2) naming the flag.
 */
export function parseKeyValues(flag: '--env' | '--secret', values: string[], env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of values) {
    const eq = item.indexOf('=');
    const name = eq < 0 ? item : item.slice(0, eq);
    if (!NAME.test(name)) throw new CliExit(ExitCode.Usage, `${flag} ${item}: '${name}' is not a valid variable name (letters, digits and '_', not starting with a digit)`);
    if (eq >= 0) out[name] = item.slice(eq + 1);
    else if (env[name] !== undefined) out[name] = env[name] as string;
    else throw new CliExit(ExitCode.Usage, `${flag} ${name}: no value given and '${name}' is not set in your environment; use ${flag} ${name}=<value>`);
  }
  return out;
}

export function parsePositiveInt(flag: string): (value: string) => number {
  return (value: string) => {
    if (!/^\d+$/.test(value) || Number(value) < 1) throw new InvalidArgumentError(`${flag} expects a whole number ≥ 1, got '${value}'`);
    return Number(value);
  };
}

export function parseNonNegativeInt(flag: string): (value: string) => number {
  return (value: string) => {
    if (!/^\d+$/.test(value)) throw new InvalidArgumentError(`${flag} expects a whole number ≥ 0, got '${value}'`);
    return Number(value);
  };
}

export interface TaskSource {
  /** YAML text to validate and send. */
  yaml: string;
  /** File name for messages, or `<command>` for an inline command. */
  source: string;
}

/**
 * The task argument: a YAML file, or (as in `sky launch 'echo hi'`) a shell command to run, or nothing (an
 * empty task that only brings the cluster up).
 */
export function readTaskArgument(arg: string | undefined): TaskSource {
  if (arg === undefined || arg.trim() === '') return { yaml: '{}\n', source: '<no task>' };
  if (existsSync(arg) && statSync(arg).isFile()) return { yaml: readFileSync(arg, 'utf8'), source: arg };
  if (/\.ya?ml$/i.test(arg.trim())) throw new CliExit(ExitCode.Usage, `the task file '${arg}' does not exist`);
  return { yaml: `run: ${JSON.stringify(arg)}\n`, source: '<command>' };
}
