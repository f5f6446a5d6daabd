export * from './config.types';
export { CONFIG_SCHEMA, KUBERNETES_SETTING_KEYS } from './config.schema';
export { configPath, loadSkyportConfig, parseSkyportConfig, DEFAULT_CONFIG_RELATIVE_PATH } from './load-config';
export {
  resolveKubernetesSettings,
  allowedContexts,
  apiSettings,
  DEFAULT_API_ENDPOINT,
  DEFAULT_PROVISION_TIMEOUT_SECONDS,
  AUTOSCALER_PROVISION_TIMEOUT_SECONDS,
  DEFAULT_PORTS_MODE,
} from './kubernetes-settings';
export type { EffectiveKubernetesSettings, SettingLayers, SettingSource } from './kubernetes-settings';
export { mergePodConfig, mergePodConfigs } from './pod-config.merge';
export { saveApiSettings } from './save-config';
export * from './policy';
export { readSkyportConfig, validateSkyportConfig, type LoadedSkyportConfig } from './load-config';
export { configNotesEnabled, ignoredKeysLine, warnAboutIgnoredConfigKeys, CONFIG_NOTES_ENV, type IgnoredConfigKey, type ConfigWarningLogger } from './skypilot/ignored-keys';
export {
  clientKubernetesSettings,
  layerConfig,
  parseConfigOverrides,
  launchKubernetesLayer,
  CLIENT_KUBERNETES_KEYS,
  SERVER_ONLY_KUBERNETES_KEYS,
} from './client-config';
export { EXTERNAL_BUCKETS_ENV, ExternalBuckets, externalBucketsConfigShape, parseExternalBuckets, type ExternalBucketRule } from './storage/external-buckets';
