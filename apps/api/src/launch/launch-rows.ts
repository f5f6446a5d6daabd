import type { EntityManager } from 'typeorm';
import { EVENTS_CHANNEL, OUTBOX_CHANNEL, type EventType, type JobStatus, type LaunchDemand, type RequestKind } from '@skyport/contracts';
import { RequestStatus } from '@skyport/contracts';
import { EVENT_NOTIFICATION_SQL, type JobEntity, type RequestEntity } from '@skyport/persistence';
import type { OutboxRow } from '../outbox/add-to-outbox';
import { teamLimitedSql } from '../quota/quota.service';

/** What an accepted launch or exec writes: its request and job rows, and on the common paths its hand-off too. */
export interface LaunchRows {
  request: { id: string; kind: RequestKind; clusterName: string; jobId: number; owner: string; idempotencyKey: string | null; bodyHash: string; payload: RequestEntity['payload'] };
  job: { name: string | null; status: JobStatus; task: JobEntity['task'] };
  /**
   * A launch of a team without a quota or a waiting queue: its queue row is admitted and `outbox` published —
   * unless a quota or queue appeared meanwhile (checked in the same statement, after the team's shared lock was
   * taken), when the row waits with `waitingReason` and nothing is published (`limited` in the answer).
   */
  teamQueue?: { team: string; priority: number; demand: LaunchDemand; waitingReason: string };
  outbox?: OutboxRow;
  /** As `recordEvent` would write it: a type from `EVENT_TYPES`. */
  event?: { source: string; type: EventType; message: string };
}

/**
 * Writes the rows in ONE statement (data-modifying CTEs) instead of one round trip each — at a thousand launches
 * a second the round trips, not the rows, were the api's largest cost. Same rows and notifications as the
 * separate inserts (`recordEvent`'s payload on EVENTS_CHANNEL, the queue name on OUTBOX_CHANNEL), delivered at
 * commit as before.
 */
export async function insertLaunchRows(tx: EntityManager, rows: LaunchRows): Promise<{ limited: boolean; queueRowId?: string }> {
  const params: unknown[] = [];
  const p = (value: unknown, cast = ''): string => {
    params.push(value);
    return `$${params.length}${cast}`;
  };
  const { request: r, job } = rows;
  const requestId = p(r.id, '::uuid');
  const cluster = p(r.clusterName);
  const jobId = p(r.jobId, '::int');
  const ctes = [
    `r AS (INSERT INTO requests (id, kind, status, cluster_name, job_id, owner, idempotency_key, body_hash, payload)
           VALUES (${requestId}, ${p(r.kind)}, ${p(RequestStatus.Pending)}, ${cluster}, ${jobId}, ${p(r.owner)}, ${p(r.idempotencyKey)}, ${p(r.bodyHash)}, ${p(JSON.stringify(r.payload), '::jsonb')}))`,
    `j AS (INSERT INTO jobs (cluster_name, job_id, name, status, request_id, task)
           VALUES (${cluster}, ${jobId}, ${p(job.name)}, ${p(job.status)}, ${requestId}, ${p(JSON.stringify(job.task), '::jsonb')}))`,
  ];
  // Without a team queue the hand-off is unconditional: one row of `lim` that says "not limited".
  let limited = 'false';
  if (rows.teamQueue) {
    const q = rows.teamQueue;
    const team = p(q.team);
    ctes.unshift(`lim AS (SELECT ${teamLimitedSql(team)} AS limited)`);
    limited = '(SELECT limited FROM lim)';
    ctes.push(
      `q AS (INSERT INTO launch_queue (request_id, cluster_name, team, priority, demand, state, reason, admitted_at)
             SELECT ${requestId}, ${cluster}, ${team}, ${p(q.priority, '::int')}, ${p(JSON.stringify(q.demand), '::jsonb')},
                    CASE WHEN limited THEN 'queued' ELSE 'admitted' END, CASE WHEN limited THEN ${p(q.waitingReason)} END, CASE WHEN limited THEN NULL ELSE now() END
               FROM lim RETURNING id)`,
    );
  }
  if (rows.outbox) {
    const o = rows.outbox;
    ctes.push(
      `o AS (INSERT INTO outbox (queue, job_id, payload, delay_ms, trace_context)
             SELECT ${p(o.queue)}, ${p(o.jobId)}, ${p(JSON.stringify(o.payload), '::jsonb')}, 0, ${p(o.traceContext === null ? null : JSON.stringify(o.traceContext), '::jsonb')}
              WHERE NOT ${limited} RETURNING queue)`,
    );
  }
  if (rows.event) {
    const e = rows.event;
    ctes.push(
      `e AS (INSERT INTO events (source, type, message, request_id, cluster_name, job_id)
             VALUES (${p(e.source)}, ${p(e.type)}, ${p(e.message)}, ${requestId}, ${cluster}, ${jobId}) RETURNING id, request_id, cluster_name)`,
    );
  }
  const answer = [
    `${limited} AS limited`,
    rows.teamQueue ? '(SELECT id FROM q) AS queue_row_id' : 'NULL AS queue_row_id',
    rows.outbox ? `(SELECT count(pg_notify(${p(OUTBOX_CHANNEL)}, queue)) FROM o) AS outbox_notified` : '0 AS outbox_notified',
    // The payload recordEvent sends (EventNotification), built from the inserted row.
    rows.event
      ? `(SELECT count(pg_notify(${p(EVENTS_CHANNEL)}, ${EVENT_NOTIFICATION_SQL})) FROM e) AS events_notified`
      : '0 AS events_notified',
  ];
  const result: Array<{ limited: boolean; queue_row_id: string | null }> = await tx.query(`WITH ${ctes.join(',\n')}\nSELECT ${answer.join(', ')}`, params);
  return { limited: result[0].limited, queueRowId: result[0].queue_row_id ?? undefined };
}
