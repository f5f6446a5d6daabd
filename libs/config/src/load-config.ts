import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { LineCounter, isMap, isPair, isScalar, parseDocument, type Node } from 'yaml';
import { ErrorCode, nearestWord, SkyportError } from '@skyport/contracts';
import { CONFIG_SCHEMA } from './config.schema';
import type { SkyportConfig } from './config.types';
import { setAsideIgnoredKeys, type IgnoredConfigKey } from './skypilot/ignored-keys';

export const DEFAULT_CONFIG_RELATIVE_PATH = path.join('.skyport', 'config.yaml');

// Compiled on first use, so commands that never read a config file do not pay for it.
let compiled: ValidateFunction | undefined;
function validator(): ValidateFunction {
  if (!compiled) {
    const ajv = new Ajv({ allErrors: true, verbose: true, strict: true, allowUnionTypes: true });
    ajv.addVocabulary(['x-expected']);
    compiled = ajv.compile(CONFIG_SCHEMA);
  }
  return compiled;
}

/** `$SKYPORT_CONFIG`, else `~/.skyport/config.yaml`. */
export function configPath(env: NodeJS.ProcessEnv = process.env): { path: string; explicit: boolean } {
  const override = env.SKYPORT_CONFIG?.trim();
  if (override) return { path: path.resolve(override), explicit: true };
  return { path: path.join(env.HOME?.trim() || homedir(), DEFAULT_CONFIG_RELATIVE_PATH), explicit: false };
}

/**
 * Reads and validates the config file. No file at the default path is an empty config; a missing file named
 * by `SKYPORT_CONFIG` is an error (the user asked for it). Problems come back as one SkyportError whose message
 * names the file, the key path, the line and what was expected.
 */
export interface LoadedSkyportConfig {
  config: SkyportConfig;
  path: string;
  found: boolean;
  /** SkyPilot keys accepted but not acted on (taken out of `config`); the caller reports them once. */
  ignored: IgnoredConfigKey[];
}

export function loadSkyportConfig(env: NodeJS.ProcessEnv = process.env): LoadedSkyportConfig {
  const where = configPath(env);
  if (!existsSync(where.path)) {
    if (where.explicit) {
      throw new SkyportError(ErrorCode.InvalidRequest, `SKYPORT_CONFIG points at ${where.path}, which does not exist: create it or unset SKYPORT_CONFIG`, {
        path: where.path,
      });
    }
    return { config: {}, path: where.path, found: false, ignored: [] };
  }
  let text: string;
  try {
    text = readFileSync(where.path, 'utf8');
  } catch (error) {
    throw new SkyportError(ErrorCode.InvalidRequest, `cannot read the config file ${where.path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`, { path: where.path });
  }
  return { ...readSkyportConfig(text, where.path), path: where.path, found: true };
}

/** Parses and validates config text; `source` names the file in messages. */
export function parseSkyportConfig(text: string, source = 'config.yaml'): SkyportConfig {
  return readSkyportConfig(text, source).config;
}

/** `parseSkyportConfig` with the SkyPilot keys it set aside (see setAsideIgnoredKeys). */
export function readSkyportConfig(text: string, source = 'config.yaml'): { config: SkyportConfig; ignored: IgnoredConfigKey[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length) {
    const e = doc.errors[0];
    const pos = lineCounter.linePos(e.pos[0]);
    throw configError(source, [`line ${pos.line}, column ${pos.col}: YAML syntax error: ${e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}`]);
  }
  return validateSkyportConfig((doc.toJS() as unknown) ?? {}, source, (keys) => {
    let node: unknown = doc.contents;
    let found: Node | undefined;
    for (const key of keys) {
      if (!isMap(node)) break;
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === key);
      if (!pair) break;
      found = pair.key as Node;
      node = pair.value;
    }
    const offset = found?.range?.[0];
    return offset === undefined ? undefined : lineCounter.linePos(offset).line;
  });
}

/**
 * Validates a config value (a parsed file, or `--config` overrides built on the command line) and sets SkyPilot's
 * ignored keys aside. `lineOf` finds a key path's line in the file, when there is one.
 */
export function validateSkyportConfig(
  value: unknown,
  source: string,
  lineOf: (keys: string[]) => number | undefined = () => undefined,
): { config: SkyportConfig; ignored: IgnoredConfigKey[] } {
  // SkyPilot's enums are case-insensitive (`ports: LoadBalancer`); Skyport's values are lower case.
  lowerCasePorts(value);
  const validate = validator();
  if (!validate(value)) {
    const lines: string[] = [];
    const seen = new Set<string>();
    for (const error of (validate.errors ?? []) as ErrorObject[]) {
      const line = describeError(error, lineOf);
      if (line && !seen.has(line)) {
        seen.add(line);
        lines.push(line);
      }
    }
    throw configError(source, lines);
  }
  const config = value as SkyportConfig;
  const ignored = setAsideIgnoredKeys(config);
  // SkyPilot spells it `api_server.endpoint`.
  const apiServer = config.api_server as { endpoint?: unknown } | undefined;
  if (!config.api?.endpoint && typeof apiServer?.endpoint === 'string') config.api = { ...config.api, endpoint: apiServer.endpoint };
  return { config, ignored };
}

function lowerCasePorts(value: unknown): void {
  const kube = (value as { kubernetes?: { ports?: unknown; context_configs?: Record<string, { ports?: unknown } | null> } } | null)?.kubernetes;
  if (typeof kube !== 'object' || kube === null) return;
  const layers = [kube, ...Object.values(typeof kube.context_configs === 'object' && kube.context_configs ? kube.context_configs : {})];
  for (const layer of layers) if (layer && typeof layer.ports === 'string') layer.ports = layer.ports.toLowerCase();
}

function configError(source: string, lines: string[]): SkyportError {
  return new SkyportError(ErrorCode.InvalidRequest, `Invalid config file ${source}:\n${lines.map((l) => `  - ${l}`).join('\n')}`, { path: source, problems: lines });
}

function describeError(error: ErrorObject, lineOf: (keys: string[]) => number | undefined): string | undefined {
  const keys = error.instancePath ? error.instancePath.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~')) : [];
  const parent = (error.parentSchema ?? {}) as Record<string, unknown>;
  const expected = typeof parent['x-expected'] === 'string' ? parent['x-expected'] : undefined;
  let message: string;
  if (error.keyword === 'additionalProperties') {
    const key = (error.params as { additionalProperty: string }).additionalProperty;
    keys.push(key);
    const known = Object.keys((parent.properties as object | undefined) ?? {});
    const guess = nearestWord(key, known);
    message = `unknown key '${key}'${guess ? `; did you mean '${guess}'?` : known.length ? ` (valid keys: ${known.join(', ')})` : ''}`;
  } else if (error.keyword === 'const' || error.keyword === 'type' && error.schemaPath.includes('anyOf')) {
    return undefined; // reported once through anyOf
  } else {
    const got = error.data === null ? 'null' : Array.isArray(error.data) ? 'a list' : typeof error.data === 'object' ? 'a mapping' : `'${String(error.data)}'`;
    message = `expected ${expected ?? error.message ?? 'another value'}, got ${got}`;
  }
  const line = lineOf(keys);
  return `${keys.join('.') || '(top level)'}${line ? ` (line ${line})` : ''}: ${message}`;
}
