import type { KubernetesSettings } from '../config.types';
import {
  IGNORED_API_SERVER_REASON,
  IGNORED_CUSTOM_METADATA_REASON,
  IGNORED_KUBERNETES_KEYS,
  IGNORED_PORT_MODES,
  IGNORED_TOP_LEVEL_SECTIONS,
} from './skypilot-config-keys';

/** A key of the config file that Skyport accepted and does not act on, with why. */
export interface IgnoredConfigKey {
  /** Dotted path as written (`kubernetes.remote_identity`, `kubernetes.context_configs.ctx-a.kueue`, `jobs.controller`). */
  key: string;
  reason: string;
}

type Obj = Record<string, unknown>;

/** Top-level keys Skyport reads (`api_server` for its endpoint only). */
const SKYPORT_SECTIONS = new Set(['api', 'kubernetes', 'policy', 'allowed_clouds', 'api_server']);

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Takes SkyPilot's keys that Skyport does not act on out of a validated config (so the rest of Skyport sees only
 * what it uses, with its own types) and returns them, in file order. SkyPilot's spellings of keys Skyport does use
 * are rewritten to Skyport's (`pricing.cpu` → `pricing.cpu_per_hour`, `pricing.memory` → `memory_gb_per_hour`).
 * Unknown top-level sections are kept (they were always accepted) and reported too.
 */
export function setAsideIgnoredKeys(config: Obj): IgnoredConfigKey[] {
  const ignored: IgnoredConfigKey[] = [];
  for (const [section, value] of Object.entries(config)) {
    if (SKYPORT_SECTIONS.has(section)) continue;
    const reason = IGNORED_TOP_LEVEL_SECTIONS[section] ?? 'not a Skyport or SkyPilot config key';
    const keys = isObj(value) && Object.keys(value).length > 0 ? Object.keys(value).map((k) => `${section}.${k}`) : [section];
    for (const key of keys) ignored.push({ key, reason });
  }
  const apiServer = config.api_server;
  if (isObj(apiServer)) {
    for (const key of Object.keys(apiServer)) if (key !== 'endpoint') ignored.push({ key: `api_server.${key}`, reason: IGNORED_API_SERVER_REASON });
  }
  const kube = config.kubernetes;
  if (isObj(kube)) {
    ignored.push(...setAsideInSettings(kube, 'kubernetes'));
    const perContext = kube.context_configs;
    if (isObj(perContext)) {
      for (const [context, settings] of Object.entries(perContext)) {
        if (isObj(settings)) ignored.push(...setAsideInSettings(settings, `kubernetes.context_configs.${context}`));
      }
    }
  }
  return ignored;
}

function setAsideInSettings(settings: Obj, at: string): IgnoredConfigKey[] {
  const ignored: IgnoredConfigKey[] = [];
  for (const key of Object.keys(settings)) {
    const reason = IGNORED_KUBERNETES_KEYS[key];
    if (reason === undefined) continue;
    ignored.push({ key: `${at}.${key}`, reason });
    delete settings[key];
  }
  const ports = settings.ports;
  if (typeof ports === 'string' && IGNORED_PORT_MODES[ports] !== undefined) {
    ignored.push({ key: `${at}.ports: ${ports}`, reason: IGNORED_PORT_MODES[ports] });
    delete settings.ports;
  }
  const meta = settings.custom_metadata;
  if (isObj(meta)) {
    for (const key of Object.keys(meta)) {
      if (key === 'labels' || key === 'annotations') continue;
      ignored.push({ key: `${at}.custom_metadata.${key}`, reason: IGNORED_CUSTOM_METADATA_REASON });
      delete meta[key];
    }
  }
  const pricing = settings.pricing as (KubernetesSettings['pricing'] & { cpu?: number; memory?: number }) | undefined;
  if (isObj(pricing)) {
    if (pricing.cpu !== undefined) pricing.cpu_per_hour ??= pricing.cpu;
    if (pricing.memory !== undefined) pricing.memory_gb_per_hour ??= pricing.memory;
    delete pricing.cpu;
    delete pricing.memory;
  }
  return ignored;
}

/** The variable that hides the CLI's note about ignored keys (`off`, `0` or `false`). */
export const CONFIG_NOTES_ENV = 'SKYPORT_CONFIG_NOTES';

export function configNotesEnabled(env: NodeJS.ProcessEnv): boolean {
  const value = env[CONFIG_NOTES_ENV]?.trim().toLowerCase();
  return !(value === 'off' || value === '0' || value === 'false' || value === 'no');
}

/** One line naming every ignored key (the CLI's note; the services log it with the reasons as fields). */
export function ignoredKeysLine(source: string, ignored: readonly IgnoredConfigKey[]): string {
  return `${source}: ignoring ${ignored.length} key${ignored.length === 1 ? '' : 's'} Skyport does not act on: ${ignored.map((i) => i.key).join(', ')}`;
}

/** The part of a logger the start-up warning needs (pino's signature). */
export interface ConfigWarningLogger {
  warn(fields: Record<string, unknown>, message: string): void;
}

/** A service's one warning at start naming every ignored key of its config file, with the reasons as fields. */
export function warnAboutIgnoredConfigKeys(logger: ConfigWarningLogger, source: string | undefined, ignored: readonly IgnoredConfigKey[] | undefined): void {
  if (!ignored?.length) return;
  logger.warn({ config: source, ignored: Object.fromEntries(ignored.map((i) => [i.key, i.reason])) }, ignoredKeysLine(source ?? 'config.yaml', ignored));
}
