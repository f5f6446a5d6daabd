import type { EntityManager } from 'typeorm';
import type { StorageView } from '@skyport/contracts';
import type { Principal } from '../auth/principal';

interface StorageRow {
  name: string;
  store: string;
  status: string;
  persistent: boolean;
  cluster_name: string | null;
  team: string | null;
  owner_name: string | null;
  used_by: string[] | null;
  created_at: Date;
}

/** Live clusters (not TERMINATED or FAILED) whose task mounts the bucket: by name, or by s3:// URL (bucket names hold no LIKE wildcard). */
const USED_BY = `ARRAY(
  SELECT c.name FROM clusters c
  WHERE c.status NOT IN ('TERMINATED', 'FAILED') AND jsonb_typeof(c.task->'fileMounts') = 'array'
    AND EXISTS (SELECT 1 FROM jsonb_array_elements(c.task->'fileMounts') m WHERE m->'storage'->>'name' = s.name OR m->>'source' = 's3://' || s.name OR m->>'source' LIKE 's3://' || s.name || '/%')
  ORDER BY c.name)`;

/** Who sees which buckets, as for clusters and volumes: an admin all; a team member the team's; else their own. */
function visibility(principal: Principal, params: unknown[]): string {
  if (principal.role === 'admin') return 'TRUE';
  if (principal.team) {
    params.push(principal.team);
    return `s.team = $${params.length}`;
  }
  params.push(principal.userId);
  return `(s.team IS NULL AND s.owner = $${params.length})`;
}

export async function visibleStorage(db: EntityManager, principal: Principal, name?: string): Promise<StorageView[]> {
  const params: unknown[] = [];
  const where = [visibility(principal, params)];
  if (name !== undefined) {
    params.push(name);
    where.push(`s.name = $${params.length}`);
  }
  const rows: StorageRow[] = await db.query(
    `SELECT s.*, u.name AS owner_name, ${USED_BY} AS used_by FROM storage s LEFT JOIN users u ON u.id::text = s.owner
     WHERE ${where.join(' AND ')} ORDER BY s.name LIMIT 1000`,
    params,
  );
  return rows.map((r) => ({
    name: r.name,
    store: r.store,
    status: r.status,
    persistent: r.persistent,
    clusterName: r.cluster_name,
    team: r.team,
    ownerName: r.owner_name,
    usedBy: r.used_by ?? [],
    createdAt: new Date(r.created_at).toISOString(),
  }));
}
