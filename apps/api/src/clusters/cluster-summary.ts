import type { ClusterStatus } from '@skyport/contracts';
import type { ClusterRow } from './cluster-rows.query';
import type { ClusterSummary } from './clusters.dto';

/** `cpus=2+, mem=8GB, A100:8` from a normalised task's first resources. */
export function resourcesLabel(r: Record<string, unknown> | null): string | undefined {
  if (!r) return undefined;
  const parts: string[] = [];
  const cpus = r.cpus as { value: number; orMore: boolean } | undefined;
  const mem = r.memory as { value: number; orMore: boolean } | undefined;
  const acc = r.accelerator as { name: string; count: number } | undefined;
  if (cpus) parts.push(`cpus=${cpus.value}${cpus.orMore ? '+' : ''}`);
  if (mem) parts.push(`mem=${mem.value}${mem.orMore ? '+' : ''}GB`);
  if (acc) parts.push(`${acc.name}:${acc.count}`);
  return parts.length ? parts.join(', ') : undefined;
}

export function ownerNameOf(c: Pick<ClusterRow, 'owner' | 'owner_name'>): string | null {
  return c.owner_name ?? (c.owner === 'anonymous' ? 'anonymous' : null);
}

export function toClusterSummary(c: ClusterRow): ClusterSummary {
  const resources = resourcesLabel(c.resources);
  return {
    name: c.name,
    status: c.status as ClusterStatus,
    ...(c.infra ? { infra: c.infra } : {}),
    ...(c.namespace ? { namespace: c.namespace } : {}),
    ...(c.instance_type ? { instanceType: c.instance_type } : {}),
    numNodes: Number(c.num_nodes),
    ...(resources ? { resources } : {}),
    createdAt: c.created_at.toISOString(),
    updatedAt: c.updated_at.toISOString(),
    ...(c.autostop_minutes !== null ? { autostop: { idleMinutes: c.autostop_minutes, down: c.autostop_down } } : {}),
    ...(c.status_reason ? { statusReason: c.status_reason } : {}),
    owner: ownerNameOf(c),
    team: c.owner_team,
    ...(c.request_id ? { requestId: c.request_id } : {}),
    ...(c.queue_position !== null ? { queued: { position: Number(c.queue_position), reason: c.queue_reason } } : {}),
  };
}
