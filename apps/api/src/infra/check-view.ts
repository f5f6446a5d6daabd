import type { CloudCheck, ContextGpuCheck, ContextPermissionsCheck, ProvisionerRpc } from '@skyport/contracts';
import { gpuSupport } from '@skyport/planner';

/** GPU support of one context, from its capacity snapshot (libs/planner's gpuSupport). */
export function gpuCheck(capacity: ProvisionerRpc.ContextCapacity): ContextGpuCheck {
  const s = gpuSupport(capacity);
  const hint = !capacity.reachable ? 'unknown: the context did not answer' : s.hint;
  return { gpuNodes: s.gpuNodes, models: s.models.map((m) => ({ gpu: m.gpu, nodes: m.nodes, total: m.total, free: m.free })), hint };
}

/** The provisioner's answer for one context, with each missing permission said in one line. */
export function permissionsCheck(context: ProvisionerRpc.ContextPermissions | undefined, unavailable: string | undefined, fallbackNamespace: string): ContextPermissionsCheck {
  if (!context) return { checked: false, error: unavailable ?? 'the provisioner did not check this context', namespace: fallbackNamespace, allowed: 0, total: 0, missing: [] };
  if (!context.reachable) return { checked: false, error: context.error || 'the context did not answer', namespace: context.namespace || fallbackNamespace, allowed: 0, total: 0, missing: [] };
  const missing = context.permissions
    .filter((p) => !p.allowed)
    .map((p) => ({
      verb: p.verb,
      resource: p.resource,
      ...(p.namespace ? { namespace: p.namespace } : {}),
      neededFor: p.neededFor,
      message: `cannot ${p.verb} ${p.resource} ${p.namespace ? `in namespace ${p.namespace}` : 'cluster-wide'}: ${p.neededFor}`,
    }));
  return { checked: true, namespace: context.namespace, allowed: context.permissions.length - missing.length, total: context.permissions.length, missing };
}

/** The catalog's facts per cloud, with the provisioner's verdict (enabled or not, and why) when it answered. */
export function withCloudStatus(clouds: Array<Omit<CloudCheck, 'enabled' | 'reason'>>, statuses: readonly ProvisionerRpc.CloudStatus[] | undefined): CloudCheck[] {
  return clouds.map((c) => {
    const status = statuses?.find((s) => s.cloud === c.cloud);
    return status ? { ...c, enabled: status.enabled, reason: status.reason } : c;
  });
}
