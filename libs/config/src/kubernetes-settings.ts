import type { KubernetesSettings, PortsMode, SkyportConfig } from './config.types';
import { mergePodConfig } from './pod-config.merge';

/** SkyPilot's defaults: 10 s to get pods scheduled, 10 min when a cluster autoscaler may add nodes. */
export const DEFAULT_PROVISION_TIMEOUT_SECONDS = 10;
export const AUTOSCALER_PROVISION_TIMEOUT_SECONDS = 600;
export const DEFAULT_PORTS_MODE: PortsMode = 'loadbalancer';

export type SettingSource = 'default' | 'global' | 'context' | 'task' | 'cli';

/** The settings in force for one launch on one context, with where each came from. */
export interface EffectiveKubernetesSettings {
  podConfig: Record<string, unknown>;
  customMetadata: { labels: Record<string, string>; annotations: Record<string, string> };
  provisionTimeoutSeconds: number;
  ports: PortsMode;
  autoscaler?: string;
  pricing: { cpuPerHour: number; memoryGbPerHour: number; accelerators: Record<string, number> };
  imagePullSecrets: string[];
  namespace?: string;
  sources: Record<'podConfig' | 'customMetadata' | 'provisionTimeoutSeconds' | 'ports' | 'autoscaler' | 'pricing' | 'imagePullSecrets' | 'namespace', SettingSource>;
}

export interface SettingLayers {
  config: SkyportConfig;
  /** The Kubernetes context being planned or provisioned on. */
  context?: string;
  /** The task's `config.kubernetes` section. */
  task?: KubernetesSettings | Record<string, unknown>;
  /** Command-line flags (highest precedence). */
  cli?: KubernetesSettings;
}

/**
 * Resolves the Kubernetes settings for a launch. Precedence, highest first: CLI flag > task `config:` >
 * per-context (`kubernetes.context_configs.<ctx>`) > global (`kubernetes.*`) > defaults. `pod_config` layers
 * merge with the provisioner's rules (`mergePodConfig`: lists by name / mountPath / containerPort, command and
 * args replaced); `custom_metadata` and `pricing.accelerators` merge per key with the higher layer winning;
 * scalars and `image_pull_secrets` are taken from the highest layer that sets them.
 */
export function resolveKubernetesSettings(layers: SettingLayers): EffectiveKubernetesSettings {
  const { context_configs: contextConfigs, allowed_contexts: _allowed, ...global } = layers.config.kubernetes ?? {};
  const ordered: Array<[SettingSource, KubernetesSettings | undefined]> = [
    ['global', global],
    ['context', layers.context ? contextConfigs?.[layers.context] : undefined],
    ['task', layers.task as KubernetesSettings | undefined],
    ['cli', layers.cli],
  ];
  const out: EffectiveKubernetesSettings = {
    podConfig: {},
    customMetadata: { labels: {}, annotations: {} },
    provisionTimeoutSeconds: DEFAULT_PROVISION_TIMEOUT_SECONDS,
    ports: DEFAULT_PORTS_MODE,
    pricing: { cpuPerHour: 0, memoryGbPerHour: 0, accelerators: {} },
    imagePullSecrets: [],
    sources: {
      podConfig: 'default',
      customMetadata: 'default',
      provisionTimeoutSeconds: 'default',
      ports: 'default',
      autoscaler: 'default',
      pricing: 'default',
      imagePullSecrets: 'default',
      namespace: 'default',
    },
  };
  let timeoutSet = false;
  for (const [source, layer] of ordered) {
    if (!layer) continue;
    if (layer.pod_config) {
      out.podConfig = mergePodConfig(out.podConfig, layer.pod_config) as Record<string, unknown>;
      out.sources.podConfig = source;
    }
    if (layer.custom_metadata) {
      out.customMetadata = {
        labels: { ...out.customMetadata.labels, ...layer.custom_metadata.labels },
        annotations: { ...out.customMetadata.annotations, ...layer.custom_metadata.annotations },
      };
      out.sources.customMetadata = source;
    }
    if (layer.provision_timeout !== undefined) {
      out.provisionTimeoutSeconds = layer.provision_timeout;
      out.sources.provisionTimeoutSeconds = source;
      timeoutSet = true;
    }
    if (layer.ports !== undefined) {
      out.ports = layer.ports;
      out.sources.ports = source;
    }
    if (layer.autoscaler !== undefined) {
      out.autoscaler = layer.autoscaler;
      out.sources.autoscaler = source;
    }
    if (layer.pricing) {
      out.pricing = {
        cpuPerHour: layer.pricing.cpu_per_hour ?? out.pricing.cpuPerHour,
        memoryGbPerHour: layer.pricing.memory_gb_per_hour ?? out.pricing.memoryGbPerHour,
        accelerators: { ...out.pricing.accelerators, ...layer.pricing.accelerators },
      };
      out.sources.pricing = source;
    }
    if (layer.image_pull_secrets !== undefined) {
      out.imagePullSecrets = [...layer.image_pull_secrets];
      out.sources.imagePullSecrets = source;
    }
    if (layer.namespace !== undefined) {
      out.namespace = layer.namespace;
      out.sources.namespace = source;
    }
  }
  // A cluster autoscaler needs minutes to add a node; the 10 s default would fail over before it could.
  if (!timeoutSet && out.autoscaler) out.provisionTimeoutSeconds = AUTOSCALER_PROVISION_TIMEOUT_SECONDS;
  return out;
}

/**
 * The contexts Skyport may use, given the kubeconfig's contexts and its current one: `allowed_contexts: all`
 * → all of them; a list → those (in the list's order), whether or not present (the caller reports missing
 * ones); absent → the current context only, as SkyPilot does.
 */
export function allowedContexts(config: SkyportConfig, available: readonly string[], current?: string): string[] {
  const allowed = config.kubernetes?.allowed_contexts;
  if (allowed === 'all') return [...available];
  if (Array.isArray(allowed)) return [...allowed];
  return current ? [current] : [];
}

/** API endpoint and token for the CLI: env (`SKYPORT_API_URL`, `SKYPORT_TOKEN`) > config file > default. */
export const DEFAULT_API_ENDPOINT = 'http://127.0.0.1:26580';

export function apiSettings(config: SkyportConfig, env: NodeJS.ProcessEnv = process.env): { endpoint: string; token?: string } {
  const endpoint = env.SKYPORT_API_URL?.trim() || config.api?.endpoint || DEFAULT_API_ENDPOINT;
  const token = env.SKYPORT_TOKEN?.trim() || config.api?.token;
  return token ? { endpoint: endpoint.replace(/\/+$/, ''), token } : { endpoint: endpoint.replace(/\/+$/, '') };
}
