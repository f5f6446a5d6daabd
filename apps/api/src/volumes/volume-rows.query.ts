import type { EntityManager } from 'typeorm';
import type { Principal } from '../auth/principal';

/** One volume row as the views need it, with its owner's name and the live clusters that mount it. */
export interface VolumeRow {
  name: string;
  type: string;
  context: string;
  namespace: string;
  size: string | null;
  size_gb: number | null;
  storage_class: string | null;
  access_mode: string;
  use_existing: boolean;
  phase: string;
  team: string | null;
  owner: string;
  owner_name: string | null;
  created_at: Date;
  used_by: string[];
}

/**
 * Live clusters (not TERMINATED or FAILED) whose task mounts the volume by name, in the volume's namespace (or not
 * placed yet). A TEARING_DOWN cluster still counts: its pods may still hold the claim.
 */
const USED_BY = `ARRAY(
  SELECT c.name FROM clusters c
  WHERE c.status NOT IN ('TERMINATED', 'FAILED') AND jsonb_typeof(c.task->'volumes') = 'object'
    AND EXISTS (SELECT 1 FROM jsonb_each_text(c.task->'volumes') m WHERE m.value = v.name)
    AND (c.namespace IS NULL OR c.namespace = v.namespace)
  ORDER BY c.name)`;

/** Who sees which volumes: an admin all; a team member the team's; a user without a team their own. */
function visibility(principal: Principal, params: unknown[]): string {
  if (principal.role === 'admin') return 'TRUE';
  if (principal.team) {
    params.push(principal.team);
    return `v.team = $${params.length}`;
  }
  params.push(principal.userId);
  return `(v.team IS NULL AND v.owner = $${params.length})`;
}

export async function visibleVolumes(db: EntityManager, principal: Principal, name?: string): Promise<VolumeRow[]> {
  const params: unknown[] = [];
  const where = [visibility(principal, params)];
  if (name !== undefined) {
    params.push(name);
    where.push(`v.name = $${params.length}`);
  }
  return db.query(
    `SELECT v.*, u.name AS owner_name, ${USED_BY} AS used_by FROM volumes v LEFT JOIN users u ON u.id::text = v.owner
     WHERE ${where.join(' AND ')} ORDER BY v.name LIMIT 1000`,
    params,
  );
}

/** GiB of volumes the team holds now (its storage quota counts these). */
export async function teamStorageGb(db: EntityManager, team: string): Promise<number> {
  const rows: Array<{ gb: number | null }> = await db.query('SELECT sum(size_gb)::float8 AS gb FROM volumes WHERE team = $1', [team]);
  return rows[0]?.gb ?? 0;
}
