import type { EntityManager } from 'typeorm';
import { ClusterStatus, JobStatus } from '@skyport/contracts';

/** One UP cluster with autostop set, as autodown sees it. */
export interface IdleState {
  clusterName: string;
  /** `kubernetes/<context>` or `aws/<region>`: a cloud VM cluster can be stopped, a Kubernetes one cannot. */
  infra: string | null;
  idleMinutes: number;
  down: boolean;
  /** A job is queued or running, or an interactive session is open. */
  busy: boolean;
  /** Start of the current idle window: the last job end, session end, activity or state change. */
  idleSince: Date;
  /** The database's clock, so every comparison uses one clock. */
  now: Date;
}

/** When an idle window ends, with `minuteMs` the length of a minute (60 000 except in tests). */
export function idleDeadline(state: Pick<IdleState, 'idleSince' | 'idleMinutes'>, minuteMs: number): Date {
  return new Date(state.idleSince.getTime() + state.idleMinutes * minuteMs);
}

const AUTOSTOP_FROM = (json: string) => `CASE WHEN (${json}->>'enabled')::boolean THEN (${json}->>'idleMinutes')::integer END`;

/**
 * The idle state of UP clusters with autostop (from `launch -i`, `skyport autostop`, or the task's
 * `resources.autostop`), read in one query; with `name` only that cluster, with `lock` locked for the transaction.
 */
export async function readIdleStates(manager: EntityManager, opts: { staleSessionSeconds: number; name?: string; lock?: boolean }): Promise<IdleState[]> {
  const taskAutostop = `c.task->'resources'->0->'autostop'`;
  const requestAutostop = `r.payload->'task'->'resources'->0->'autostop'`;
  const params: unknown[] = [ClusterStatus.Up, [JobStatus.Pending, JobStatus.SettingUp, JobStatus.Running], opts.staleSessionSeconds];
  if (opts.name) params.push(opts.name);
  const rows: Array<{ name: string; infra: string | null; minutes: number | null; down: boolean; busy: boolean; idle_since: Date; now: Date }> = await manager.query(
    `SELECT c.name, c.infra,
       COALESCE(c.autostop_minutes, ${AUTOSTOP_FROM(taskAutostop)}, ${AUTOSTOP_FROM(requestAutostop)}) AS minutes,
       c.autostop_down OR COALESCE((${taskAutostop}->>'down')::boolean, (${requestAutostop}->>'down')::boolean, false) AS down,
       EXISTS (SELECT 1 FROM jobs j WHERE j.cluster_name = c.name AND j.status = ANY($2))
         OR EXISTS (SELECT 1 FROM ssh_sessions s WHERE s.cluster_name = c.name AND s.closed_at IS NULL AND s.heartbeat_at > now() - make_interval(secs => $3)) AS busy,
       GREATEST(c.last_activity_at, c.updated_at,
         (SELECT max(j.ended_at) FROM jobs j WHERE j.cluster_name = c.name),
         (SELECT max(COALESCE(s.closed_at, s.heartbeat_at)) FROM ssh_sessions s WHERE s.cluster_name = c.name)) AS idle_since,
       now() AS now
     FROM clusters c LEFT JOIN requests r ON r.id = c.request_id
     WHERE c.status = $1 ${opts.name ? 'AND c.name = $4' : ''} ${opts.lock ? 'FOR UPDATE OF c' : ''}`,
    params,
  );
  return rows
    .filter((r) => r.minutes !== null && r.minutes >= 0)
    .map((r) => ({ clusterName: r.name, infra: r.infra, idleMinutes: r.minutes!, down: r.down, busy: r.busy, idleSince: new Date(r.idle_since), now: new Date(r.now) }));
}
