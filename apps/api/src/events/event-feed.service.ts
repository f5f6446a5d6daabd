import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { EventView } from '@skyport/contracts';
import type { Principal } from '../auth/principal';
import { eventViewColumns, toEventView, type EventViewSource } from './event-view';

/** Waits this long after a gap was first seen before deciding it is a rolled-back id (never coming). */
const GAP_GRACE_MS = 250;
/** …and never longer than this, whatever Postgres says about open transactions. */
const GAP_MAX_WAIT_MS = 30_000;

export interface FeedPage {
  events: EventView[];
  /** Resume after this id next time: the last id read (visible to the caller or not), never past a gap that may still fill. */
  cursor: string;
  /** True when it stopped at a gap that may still fill: read again soon. */
  blocked: boolean;
}

interface Gap {
  /** Postgres xid horizon when the gap was first seen: every transaction below it has ended once xmin passes it. */
  xmax: string;
  seenAt: number;
}

/**
 * Reads the events table in id order without gaps. Ids come from a sequence, so a transaction that took id 10
 * can commit after one that took id 11: a reader that moved its cursor past 11 would never see 10. So the feed
 * only advances through contiguous ids; at a gap it waits until every transaction that was open when the gap
 * was seen has ended (then the id is either visible or was rolled back and will never be), plus a short grace.
 */
@Injectable()
export class EventFeed {
  private readonly gaps = new Map<string, Gap>();

  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  async read(afterId: string, principal: Principal | null, limit = 500): Promise<FeedPage> {
    const { rows, xmin, xmax } = await this.db.transaction('REPEATABLE READ', async (tx) => {
      const snap: Array<{ xmin: string; xmax: string }> = await tx.query(
        `SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS xmin, pg_snapshot_xmax(pg_current_snapshot())::text AS xmax`,
      );
      const params: unknown[] = [afterId, limit];
      const visible = principal ? eventVisibility(principal, params) : 'TRUE';
      const found: Array<EventViewSource & { visible: boolean }> = await tx.query(
        `SELECT ${eventViewColumns('e')}, (${visible}) AS visible FROM events e WHERE e.id > $1 ORDER BY e.id LIMIT $2`,
        params,
      );
      return { rows: found, xmin: snap[0].xmin, xmax: snap[0].xmax };
    });
    const events: EventView[] = [];
    let cursor = BigInt(afterId);
    let blocked = false;
    for (const row of rows) {
      const id = BigInt(row.id);
      if (id !== cursor + 1n && !this.gapSettled(cursor + 1n, xmin, xmax)) {
        blocked = true;
        break;
      }
      this.gaps.delete(String(cursor + 1n));
      cursor = id;
      if (row.visible) events.push(toEventView(row));
    }
    if (this.gaps.size > 10_000) this.gaps.clear();
    return { events, cursor: String(cursor), blocked };
  }

  async latestId(): Promise<string> {
    const rows: Array<{ id: string | null }> = await this.db.query('SELECT max(id)::text AS id FROM events');
    return rows[0]?.id ?? '0';
  }

  /** Whether the ids from `first` up to the next visible row can be skipped for good. */
  private gapSettled(first: bigint, xmin: string, xmax: string): boolean {
    const key = String(first);
    const gap = this.gaps.get(key);
    const now = Date.now();
    if (!gap) {
      this.gaps.set(key, { xmax, seenAt: now });
      return false;
    }
    if (now - gap.seenAt >= GAP_MAX_WAIT_MS) return true;
    return BigInt(xmin) >= BigInt(gap.xmax) && now - gap.seenAt >= GAP_GRACE_MS;
  }
}

/**
 * Events a user may see: an event belongs to its cluster's team, whoever acted (an admin's teardown of a team's
 * cluster is that team's, not the admin's team's); events of no (or no longer existing) cluster belong to their
 * request's owner's team, else (a managed job's event before it has a cluster) its submitter's team. Cluster names are owned: only the owner's team or an admin may launch one again.
 */
export function eventVisibility(principal: Principal, params: unknown[]): string {
  if (principal.role === 'admin') return 'TRUE';
  params.push(principal.userId);
  const me = `$${params.length}`;
  let owners = `ARRAY[${me}]::text[]`;
  if (principal.team) {
    params.push(principal.team);
    // An array expression, not a sub-select: `x = ANY (SELECT array)` would compare x with the whole array.
    owners = `(ARRAY(SELECT u.id::text FROM users u WHERE u.team = $${params.length}) || ARRAY[${me}]::text[])`;
  }
  return `COALESCE(
            (SELECT c.owner = ANY(${owners}) FROM clusters c WHERE c.name = e.cluster_name),
            (SELECT r.owner = ANY(${owners}) FROM requests r WHERE r.id = e.request_id),
            (SELECT mj.owner = ANY(${owners}) FROM managed_jobs mj WHERE mj.id = (e.data->>'managedJobId')::int),
            FALSE)`;
}
