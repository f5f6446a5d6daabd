import type { V1Pod } from '@kubernetes/client-node';

/** A pod a Service would send traffic to: Running, its Ready condition True, and not being deleted. */
export function isPodServing(pod: V1Pod): boolean {
  return !pod.metadata?.deletionTimestamp && pod.status?.phase === 'Running' && (pod.status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}
