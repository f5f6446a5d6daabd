import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { nearestWord } from '@skyport/contracts';
import type { TaskProblem } from '../types/task-spec.types';
import { TASK_SCHEMA } from './task.schema';
import { UNSUPPORTED_TOP_LEVEL_KEYS } from './unsupported-keys';

const HIDDEN_KEYS: readonly string[] = ['event_callback', 'api_server_access', 'file_mounts_mapping', 'spot_recovery'];

// Compiled on first use: compiling costs ~0.1 s, which every CLI start would pay otherwise.
let compiled: ValidateFunction | undefined;
function validator(): ValidateFunction {
  if (!compiled) {
    const ajv = new Ajv({ allErrors: true, verbose: true, strict: true, allowUnionTypes: true });
    ajv.addVocabulary(['x-expected']);
    compiled = ajv.compile(TASK_SCHEMA);
  }
  return compiled;
}

/** Segments of a key path: `['resources', 'any_of', '1', 'cpus']`. */
export type KeyPath = readonly (string | number)[];

/** `resources.any_of[1].cpus` */
export function formatPath(path: KeyPath): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number' || /^\d+$/.test(segment)) out += `[${segment}]`;
    else out += out ? `.${segment}` : segment;
  }
  return out;
}

function pointerToPath(pointer: string): string[] {
  if (!pointer) return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

const TYPE_NAMES: Record<string, string> = { string: 'a string', number: 'a number', integer: 'a whole number', boolean: 'true or false', object: 'a mapping', array: 'a list', null: 'nothing' };

/** `['string', 'number']` → "a string or a number" (never ajv's "must be string,number"). */
function typeNames(schema: unknown): string {
  const list = (Array.isArray(schema) ? schema : [schema]).map((t) => TYPE_NAMES[String(t)] ?? String(t)).filter((t) => t !== 'nothing');
  return list.length > 1 ? `${list.slice(0, -1).join(', ')} or ${list[list.length - 1]}` : (list[0] ?? 'a value');
}

/** What a bound asks for, in words: "at least 1", "at most 1000", "greater than 0", "at most 1 entry". */
function rangeText(keyword: string, limit: unknown): string {
  const n = Number(limit);
  switch (keyword) {
    case 'minimum':
      return `at least ${n}`;
    case 'exclusiveMinimum':
      return `greater than ${n}`;
    case 'maximum':
      return `at most ${n}`;
    case 'minItems':
      return `at least ${n} item${n === 1 ? '' : 's'}`;
    default:
      return `at most ${n} entr${n === 1 ? 'y' : 'ies'}`;
  }
}

/** A value in a range message: numbers as they are, a mapping or list with its size. */
function describeSize(value: unknown): string {
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (value && typeof value === 'object') return `a mapping of ${Object.keys(value).length} entries`;
  return describe(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `'${value.length > 40 ? `${value.slice(0, 40)}…` : value}'`;
  return String(value);
}

/**
 * Checks one document against the task schema and turns ajv's errors into problems people can act on: the
 * key path, what was expected, and for an unknown key the nearest valid one.
 */
export function validateTaskSchema(value: unknown): Array<TaskProblem & { keyPath: string[]; unknownKey?: boolean }> {
  const validate = validator();
  if (validate(value)) return [];
  const seen = new Set<string>();
  const problems: Array<TaskProblem & { keyPath: string[]; unknownKey?: boolean }> = [];
  const errors = (validate.errors ?? []) as ErrorObject[];
  for (const error of errors) {
    // An anyOf reports each branch's failure too; its own error (with the schema's x-expected) says it better.
    if (error.schemaPath.includes('/anyOf/')) continue;
    const base = pointerToPath(error.instancePath);
    let keyPath = base;
    let message: string;
    let unsupportedKey: string | undefined;
    const parent = (error.parentSchema ?? {}) as Record<string, unknown>;
    const expected = typeof parent['x-expected'] === 'string' ? (parent['x-expected'] as string) : undefined;
    switch (error.keyword) {
      case 'additionalProperties': {
        const key = String((error.params as { additionalProperty: string }).additionalProperty);
        keyPath = [...base, key];
        const where = base.length ? `in ${formatPath(base)}` : 'at the top level';
        if (base.length === 0 && key in UNSUPPORTED_TOP_LEVEL_KEYS) {
          unsupportedKey = key;
          message = `unsupported key '${key}': ${UNSUPPORTED_TOP_LEVEL_KEYS[key]}`;
        } else {
          // SkyPilot's internal keys (accepted, ignored) and the renamed spot_recovery are valid but never suggested.
          const known = Object.keys((parent.properties as Record<string, unknown>) ?? {}).filter((k) => !k.startsWith('_') && !HIDDEN_KEYS.includes(k));
          const guess = nearestWord(key, known, { ignoreCase: true });
          message = `unknown key '${key}' ${where}${guess ? `; did you mean '${guess}'?` : known.length ? ` (valid keys: ${known.join(', ')})` : ''}`;
        }
        break;
      }
      case 'propertyNames': {
        const name = String((error.params as { propertyName: string }).propertyName);
        keyPath = [...base, name];
        message = `'${name}' is not a valid variable name: use letters, digits and '_', not starting with a digit`;
        break;
      }
      case 'pattern':
        // Reported through propertyNames above.
        if (error.propertyName !== undefined) continue;
        message = `expected ${expected ?? `a value matching ${String(error.schema)}`}, got ${describe(error.data)}`;
        break;
      case 'enum':
        message = `expected ${expected ?? `one of ${(error.schema as unknown[]).join(', ')}`}, got ${describe(error.data)}`;
        break;
      case 'required': {
        const missing = String((error.params as { missingProperty: string }).missingProperty);
        message = `missing required key '${missing}'${expected ? ` (expected ${expected})` : ''}`;
        break;
      }
      case 'minimum':
      case 'exclusiveMinimum':
      case 'maximum':
      case 'minItems':
      case 'maxProperties':
        message = `${describeSize(error.data)} is out of range: expected ${expected ?? rangeText(error.keyword, error.schema)}`;
        break;
      case 'type':
        message = `expected ${expected ?? typeNames(error.schema)}, got ${describe(error.data)}`;
        break;
      case 'anyOf':
        message = `expected ${expected ?? 'a different value'}, got ${describe(error.data)}`;
        break;
      default:
        message = `expected ${expected ?? error.message ?? 'a different value'}, got ${describe(error.data)}`;
    }
    const id = `${keyPath.join('/')}|${message}`;
    const pathId = keyPath.join('/');
    // ajv reports a union type mismatch once per branch; one message per path is enough.
    if (seen.has(id) || (error.keyword === 'type' && seen.has(`type:${pathId}`))) continue;
    seen.add(id);
    if (error.keyword === 'type') seen.add(`type:${pathId}`);
    problems.push({
      path: formatPath(keyPath),
      message,
      keyPath,
      ...(unsupportedKey ? { unsupportedKey } : {}),
      ...(error.keyword === 'additionalProperties' ? { unknownKey: true } : {}),
    });
  }
  return problems;
}
