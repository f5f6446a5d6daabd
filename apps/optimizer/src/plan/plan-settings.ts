import { isCloudName, type CloudName } from '@skyport/catalog';
import { resolveKubernetesSettings, type SkyportConfig } from '@skyport/config';
import type { KubernetesPricing, PlannerConfig } from '@skyport/planner';
import { enabledClouds, type OptimizerConfig } from '../config';

/** Per-context settings that planning reads. */
export interface ContextPlanSettings {
  pricing?: KubernetesPricing;
  /** A cluster autoscaler may add nodes to this context. */
  autoscaler: boolean;
}

/** The planning settings of this optimizer, from its environment and the Skyport config file. */
export interface PlanSettings {
  /** Empty: whatever the provisioner reports. */
  allowedContexts: readonly string[];
  enabledClouds: readonly CloudName[];
  /** `allowed_clouds`; undefined = every cloud with a catalog. */
  consideredClouds?: readonly CloudName[];
  forContext(context: string): ContextPlanSettings;
}

function contextSettingsFrom(skyport: SkyportConfig) {
  return (context: string): ContextPlanSettings => {
    const s = resolveKubernetesSettings({ config: skyport, context });
    const { cpuPerHour, memoryGbPerHour, accelerators } = s.pricing;
    return {
      pricing: { cpu_per_hour: cpuPerHour, memory_gb_per_hour: memoryGbPerHour, accelerators },
      autoscaler: Boolean(s.autoscaler),
    };
  };
}

export function planSettingsFrom(config: OptimizerConfig): PlanSettings {
  const fromFile = config.skyport.kubernetes?.allowed_contexts;
  const allowed = config.SKYPORT_ALLOWED_CONTEXTS.length > 0 ? config.SKYPORT_ALLOWED_CONTEXTS : Array.isArray(fromFile) ? fromFile : [];
  const considered = config.skyport.allowed_clouds?.map((c) => c.toLowerCase()).filter(isCloudName);
  return {
    allowedContexts: allowed,
    enabledClouds: enabledClouds(config),
    consideredClouds: considered,
    forContext: contextSettingsFrom(config.skyport),
  };
}

export function plannerConfig(settings: PlanSettings, allowedContexts: readonly string[]): PlannerConfig {
  const autoscaler: Record<string, boolean> = {};
  const kubernetesPricing: Record<string, KubernetesPricing> = {};
  for (const ctx of allowedContexts) {
    const s = settings.forContext(ctx);
    autoscaler[ctx] = s.autoscaler;
    if (s.pricing) kubernetesPricing[ctx] = s.pricing;
  }
  return {
    allowedContexts,
    enabledClouds: settings.enabledClouds,
    consideredClouds: settings.consideredClouds,
    kubernetesPricing,
    autoscaler,
  };
}
