import type { Principal } from '../auth/principal';

/** The list's filters, already validated. */
export interface ClusterFilter {
  /** `status = ANY(...)`; without it, clusters that ended are left out unless `includeEnded`. */
  statuses?: string[];
  includeEnded?: boolean;
  /** Owner's user name; owner's team. */
  ownerName?: string;
  team?: string;
  namePrefix?: string;
  /** Keyset cursor: names after this one. */
  after?: string;
  /** Exactly this cluster (the detail and the visibility check). */
  name?: string;
}

/** One cluster as the status views need it: the row's own columns, no task body (only its first resources). */
export interface ClusterRow {
  name: string;
  status: string;
  owner: string;
  infra: string | null;
  namespace: string | null;
  instance_type: string | null;
  num_nodes: number;
  request_id: string | null;
  autostop_minutes: number | null;
  autostop_down: boolean;
  status_reason: string | null;
  created_at: Date;
  updated_at: Date;
  /** While STOPPED: since when; and the seconds spent STOPPED before (neither is billed). */
  stopped_at: Date | null;
  stopped_seconds: number;
  /** `task.resources[0]` (or, for rows written before clusters kept their task, the launch request's). */
  resources: Record<string, unknown> | null;
  owner_name: string | null;
  owner_team: string | null;
  /** Set while the launch waits in the team's quota queue. */
  queue_position: number | null;
  queue_reason: string | null;
}

const PAGE_COLUMNS = `c.name, c.status, c.owner, c.infra, c.namespace, c.instance_type, c.num_nodes, c.request_id, c.autostop_minutes,
  c.autostop_down, c.status_reason, c.created_at, c.updated_at, c.stopped_at, c.stopped_seconds, c.task IS NOT NULL AS has_task, c.task->'resources'->0 AS resources`;

/**
 * One page of clusters ordered by name, in one statement, whatever the page's size: the page is chosen first
 * (keyset on the name), then only its rows are joined with their owner, the launch request (legacy rows without a
 * task) and the quota queue — no query per cluster.
 *
 * Who may see what is a set of owners (the caller and their team's users). When the caller is limited to such a
 * set, or filters by owner or team, the page is read per owner through the `(owner, name)` indexes and merged
 * (LATERAL ... LIMIT), so a team's page costs its owners × the page size, not a scan of every team's clusters.
 * (The owner is matched as the range `owner >= o.id AND owner <= o.id`, ordered by `owner, name`: with `=`, the
 * planner treats the owner as a constant, estimates its share from how few owners there are, and may walk the
 * whole name index filtering by owner — 10,000 rows for a small team when one other owner has most clusters. The
 * range is only orderable through the `(owner, name)` index, so the page is read from the owner's own range.)
 * An admin without those filters reads the name index (live clusters have a partial index of their own, so a
 * long history of TERMINATED rows is not walked past).
 */
export function clusterPageSql(principal: Principal, filter: ClusterFilter, limit: number): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const add = (value: unknown): string => {
    params.push(value);
    return `$${params.length}`;
  };
  const where: string[] = [];
  if (filter.name !== undefined) where.push(`c.name = ${add(filter.name)}`);
  if (filter.statuses) where.push(`c.status = ANY(${add(filter.statuses)}::text[])`);
  // Written as the partial indexes' predicate so the planner can use them.
  else if (!filter.includeEnded) where.push(`c.status <> 'TERMINATED'`);
  if (filter.namePrefix) where.push(`c.name LIKE ${add(`${filter.namePrefix.replace(/[\\%_]/g, (m) => `\\${m}`)}%`)}`);
  if (filter.after !== undefined) where.push(`c.name > ${add(filter.after)}`);

  const owners: string[] = [];
  if (principal.role !== 'admin') {
    const me = add(principal.userId);
    owners.push(principal.team ? `(u.id::text = ${me} OR u.team = ${add(principal.team)})` : `u.id::text = ${me}`);
  }
  if (filter.ownerName !== undefined) owners.push(`u.name = ${add(filter.ownerName)}`);
  if (filter.team !== undefined) owners.push(`u.team = ${add(filter.team)}`);
  const lim = add(limit);
  const conditions = where.length ? where.join(' AND ') : 'TRUE';
  const page = owners.length
    ? `SELECT p.* FROM (SELECT u.id::text AS id FROM users u WHERE ${owners.join(' AND ')}) o
         CROSS JOIN LATERAL (SELECT ${PAGE_COLUMNS} FROM clusters c WHERE c.owner >= o.id AND c.owner <= o.id AND ${conditions} ORDER BY c.owner, c.name LIMIT ${lim}) p
        ORDER BY p.name LIMIT ${lim}`
    : `SELECT ${PAGE_COLUMNS} FROM clusters c WHERE ${conditions} ORDER BY c.name LIMIT ${lim}`;

  const sql = `WITH page AS (${page})
    SELECT page.name, page.status, page.owner, page.infra, page.namespace, page.instance_type, page.num_nodes, page.request_id,
           page.autostop_minutes, page.autostop_down, page.status_reason, page.created_at, page.updated_at, page.stopped_at, page.stopped_seconds,
           CASE WHEN page.has_task THEN page.resources ELSE r.payload->'task'->'resources'->0 END AS resources,
           u.name AS owner_name, u.team AS owner_team, q.reason AS queue_reason,
           -- as QuotaService.position: 1 + the team's queued launches ahead (higher priority, or equal and earlier)
           CASE WHEN q.id IS NOT NULL THEN 1 + (SELECT count(*)::int FROM launch_queue a
                 WHERE a.team = q.team AND a.state = 'queued' AND (a.priority > q.priority OR (a.priority = q.priority AND a.id < q.id))) END AS queue_position
      FROM page
      LEFT JOIN users u ON u.id::text = page.owner
      LEFT JOIN requests r ON NOT page.has_task AND r.id = page.request_id
      LEFT JOIN launch_queue q ON page.status = 'INIT' AND q.request_id = page.request_id AND q.state = 'queued'
     ORDER BY page.name`;
  return { sql, params };
}
