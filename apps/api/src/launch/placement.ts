import { ErrorCode, SkyportError, type Placement } from '@skyport/contracts';
import type { TaskSpec } from '@skyport/task-spec';

function namespaceAsked(task: TaskSpec): string | undefined {
  const kube = task.config.kubernetes as Record<string, unknown> | undefined;
  if (typeof kube?.namespace === 'string') return kube.namespace;
  const meta = (kube?.podConfig as { metadata?: { namespace?: unknown } } | undefined)?.metadata;
  return typeof meta?.namespace === 'string' ? meta.namespace : undefined;
}

/**
 * Refuses a task that names a Kubernetes context or namespace outside its team's list. (A task that names none
 * is confined by the `placement` stored with the request, which the optimizer honours.)
 */
export function checkPlacement(task: TaskSpec, placement: Placement): void {
  if (placement.namespaces.length === 0) return;
  const contexts = new Set(placement.namespaces.map((n) => n.context));
  for (const r of task.resources) {
    const ctx = r.infra?.provider === 'kubernetes' ? r.infra.context : undefined;
    if (ctx && !contexts.has(ctx)) {
      throw new SkyportError(ErrorCode.Forbidden, `team '${placement.team}' may not launch into Kubernetes context '${ctx}'; its contexts are: ${[...contexts].join(', ')}`, {
        context: ctx,
      });
    }
  }
  const ns = namespaceAsked(task);
  if (ns && !placement.namespaces.some((n) => n.namespace === ns)) {
    throw new SkyportError(ErrorCode.Forbidden, `team '${placement.team}' may not launch into namespace '${ns}'; its namespaces are: ${[...new Set(placement.namespaces.map((n) => n.namespace))].join(', ')}`, {
      namespace: ns,
    });
  }
}
