import type { EntityManager } from 'typeorm';
import type { VolumeView } from '@skyport/contracts';
import { ephemeralClaimNames, formatVolumeSize, type EphemeralVolume } from '@skyport/task-spec';
import type { Principal } from '../auth/principal';

interface ClusterWithEphemeral {
  name: string;
  infra: string | null;
  namespace: string | null;
  created_at: Date;
  volumes: Record<string, EphemeralVolume>;
  owner_name: string | null;
  owner_team: string | null;
}

/**
 * The ephemeral volumes of live clusters the caller may see (an admin: all; otherwise their own and their team's
 * users', as the clusters list): one row per claim, used by its cluster. They are not in the volumes table — the
 * cluster's task is their record.
 */
export async function visibleEphemeralVolumes(db: EntityManager, principal: Principal): Promise<VolumeView[]> {
  const params: unknown[] = [];
  let who = 'TRUE';
  if (principal.role !== 'admin') {
    params.push(principal.userId);
    who = `c.owner = $1`;
    if (principal.team) {
      params.push(principal.team);
      who = `(c.owner = $1 OR u.team = $2)`;
    }
  }
  const rows: ClusterWithEphemeral[] = await db.query(
    `SELECT c.name, c.infra, c.namespace, c.created_at, c.task->'ephemeralVolumes' AS volumes, u.name AS owner_name, u.team AS owner_team
     FROM clusters c LEFT JOIN users u ON u.id::text = c.owner
     WHERE c.status NOT IN ('TERMINATED', 'FAILED') AND jsonb_typeof(c.task->'ephemeralVolumes') = 'object' AND ${who}
     ORDER BY c.name LIMIT 1000`,
    params,
  );
  return rows.flatMap((c) =>
    ephemeralClaimNames(c.volumes, c.name).map(({ claim, volume }) => ({
      name: claim,
      type: 'k8s-pvc' as const,
      infra: c.infra ?? 'kubernetes',
      context: c.infra?.startsWith('kubernetes/') ? c.infra.slice('kubernetes/'.length) : '',
      namespace: c.namespace ?? '',
      size: formatVolumeSize(volume.sizeGb),
      sizeGb: volume.sizeGb,
      storageClassName: volume.storageClassName ?? null,
      accessMode: volume.accessMode,
      useExisting: false,
      ephemeral: true,
      // Its phase is not tracked; before the cluster is placed the claim does not exist yet.
      phase: c.namespace ? 'Unknown' : 'Pending',
      team: c.owner_team,
      ownerName: c.owner_name,
      usedBy: [c.name],
      createdAt: new Date(c.created_at).toISOString(),
    })),
  );
}
