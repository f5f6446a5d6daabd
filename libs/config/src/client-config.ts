import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ErrorCode, SkyportError } from '@skyport/contracts';
import type { KubernetesSettings, SkyportConfig } from './config.types';
import { readSkyportConfig, validateSkyportConfig } from './load-config';
import { mergePodConfig } from './pod-config.merge';
import type { IgnoredConfigKey } from './skypilot/ignored-keys';

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The user's own `kubernetes.*` settings that travel with a launch, as the task's `config.kubernetes` layer (the
 * api checks them against the admin's policy like any task's): how the user's pods look and how long to wait.
 */
export const CLIENT_KUBERNETES_KEYS = ['pod_config', 'custom_metadata', 'provision_timeout'] as const;

/**
 * The rest describe the server's clusters and are the admin's to set: read on the server only, and reported as
 * ignored when they are in a user's file. (A task's `config:` or `--config` may still ask for ports, namespace,
 * image_pull_secrets or autoscaler; the admin's policy decides.)
 */
export const SERVER_ONLY_KUBERNETES_KEYS = ['allowed_contexts', 'context_configs', 'pricing', 'autoscaler', 'ports', 'namespace', 'image_pull_secrets'] as const;

/** Keys a launch's own `config.kubernetes` (the task file's or `--config`'s) may carry; the server's policy decides. */
const TASK_LAYER_KEYS = new Set<string>([...CLIENT_KUBERNETES_KEYS, 'ports', 'namespace', 'image_pull_secrets', 'autoscaler']);

/** The user's file settings that travel, and the ones that stay behind (named for the user's note). */
export function clientKubernetesSettings(config: SkyportConfig): { travel: KubernetesSettings; serverOnly: IgnoredConfigKey[] } {
  const kube = (config.kubernetes ?? {}) as Obj;
  const travel: Obj = {};
  // A file with `policy:` or per-context settings configures a server (on one machine, often the very file the local
  // services read): sent again as the task's layer, its global values would override its own per-context ones.
  const serverFile = config.policy !== undefined || kube.context_configs !== undefined;
  for (const key of CLIENT_KUBERNETES_KEYS) if (kube[key] !== undefined && !serverFile) travel[key] = structuredClone(kube[key]);
  const stays = serverFile ? [...CLIENT_KUBERNETES_KEYS, ...SERVER_ONLY_KUBERNETES_KEYS] : SERVER_ONLY_KUBERNETES_KEYS;
  const serverOnly = stays.filter((k) => kube[k] !== undefined).map((k) => ({ key: `kubernetes.${k}`, reason: 'server-side only, ignored here' }));
  for (const key of ['allowed_clouds', 'policy']) if (config[key] !== undefined) serverOnly.push({ key, reason: 'server-side only, ignored here' });
  return { travel: travel as KubernetesSettings, serverOnly };
}

/**
 * Lays `higher` over `lower` the way SkyPilot layers config files: mappings merge key by key, anything else is
 * replaced; `pod_config` merges with the provisioner's rules (containers by name, ...).
 */
export function layerConfig<T extends Obj>(lower: T, higher: Obj): T {
  const out: Obj = structuredClone(lower);
  for (const [key, value] of Object.entries(higher)) {
    if (key === 'pod_config' && isObj(out[key]) && isObj(value)) out[key] = mergePodConfig(out[key] as Obj, value);
    else if (isObj(out[key]) && isObj(value)) out[key] = layerConfig(out[key] as Obj, value);
    else out[key] = structuredClone(value);
  }
  return out as T;
}

/**
 * SkyPilot's `--config`: a YAML file, or `key.path=value` pairs (comma-separated, or the flag repeated; the value
 * is read as YAML, so `kubernetes.provision_timeout=600` is a number). Each is validated like the config file and
 * laid over the ones before it.
 */
export function parseConfigOverrides(values: readonly string[], cwd = process.cwd()): { config: SkyportConfig; ignored: IgnoredConfigKey[] } {
  let config: SkyportConfig = {};
  const ignored: IgnoredConfigKey[] = [];
  for (const value of values) {
    const file = path.resolve(cwd, value);
    const one = !value.includes('=') || existsSync(file) ? readOverrideFile(value, file) : validateSkyportConfig(pairsToConfig(value), `--config ${value}`);
    config = layerConfig(config, one.config);
    ignored.push(...one.ignored);
  }
  return { config, ignored };
}

function readOverrideFile(value: string, file: string): { config: SkyportConfig; ignored: IgnoredConfigKey[] } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new SkyportError(
      ErrorCode.InvalidRequest,
      code === 'ENOENT'
        ? `--config ${value}: no such file (give a YAML file, or key.path=value such as kubernetes.provision_timeout=600)`
        : `--config ${value}: cannot read the file (${code ?? 'error'})`,
      { path: file },
    );
  }
  return readSkyportConfig(text, file);
}

function pairsToConfig(text: string): Obj {
  const out: Obj = {};
  for (const pair of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const eq = pair.indexOf('=');
    const keyPath = eq > 0 ? pair.slice(0, eq).trim() : '';
    if (!keyPath || keyPath.split('.').some((k) => !k)) {
      throw new SkyportError(ErrorCode.InvalidRequest, `--config '${pair}': expected key.path=value (such as kubernetes.provision_timeout=600) or a YAML file`, { value: pair });
    }
    let value: unknown;
    try {
      value = parseYaml(pair.slice(eq + 1));
    } catch {
      value = pair.slice(eq + 1);
    }
    const keys = keyPath.split('.');
    let node = out;
    for (const key of keys.slice(0, -1)) node = (isObj(node[key]) ? node[key] : (node[key] = {})) as Obj;
    node[keys[keys.length - 1]] = value;
  }
  return out;
}

/**
 * The `config.kubernetes` a launch sends: the user's travelling settings < the task file's own < `--config`'s
 * (only keys a task may set; the rest of `--config` is server-side and reported). Undefined when nothing is set.
 */
export function launchKubernetesLayer(
  userFile: SkyportConfig,
  taskKubernetes: Obj | undefined,
  overrides: SkyportConfig,
): { kubernetes?: Obj; serverOnly: IgnoredConfigKey[] } {
  const fromUser = clientKubernetesSettings(userFile);
  const fromFlag = (overrides.kubernetes ?? {}) as Obj;
  const flagLayer: Obj = {};
  const serverOnly = [...fromUser.serverOnly];
  for (const [key, value] of Object.entries(fromFlag)) {
    if (TASK_LAYER_KEYS.has(key)) flagLayer[key] = value;
    else serverOnly.push({ key: `--config kubernetes.${key}`, reason: 'server-side only, ignored here' });
  }
  const layered = layerConfig(layerConfig(fromUser.travel as Obj, taskKubernetes ?? {}), flagLayer);
  return Object.keys(layered).length > 0 ? { kubernetes: layered, serverOnly } : { serverOnly };
}
