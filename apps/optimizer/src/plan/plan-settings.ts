import type { CloudName } from '@skyport/catalog';
import type { KubernetesPricing, PlannerConfig } from '@skyport/planner';
import { enabledClouds, type OptimizerConfig } from '../config';

/** The planning settings of this optimizer, from its configuration. */
export interface PlanSettings {
  /** Empty: whatever the provisioner reports. */
  allowedContexts: readonly string[];
  enabledClouds: readonly CloudName[];
  /** Context names, or `*`. */
  autoscalerContexts: readonly string[];
  kubernetesPricing: Readonly<Record<string, KubernetesPricing>>;
}

export function planSettingsFrom(config: OptimizerConfig): PlanSettings {
  return {
    allowedContexts: config.SKYPORT_ALLOWED_CONTEXTS,
    enabledClouds: enabledClouds(config),
    autoscalerContexts: config.SKYPORT_AUTOSCALER_CONTEXTS,
    kubernetesPricing: config.SKYPORT_KUBERNETES_PRICING as Record<string, KubernetesPricing>,
  };
}

export function plannerConfig(settings: PlanSettings, allowedContexts: readonly string[]): PlannerConfig {
  const autoscaler: Record<string, boolean> = {};
  for (const ctx of settings.autoscalerContexts) autoscaler[ctx] = true;
  return {
    allowedContexts,
    enabledClouds: settings.enabledClouds,
    kubernetesPricing: settings.kubernetesPricing,
    autoscaler,
  };
}
