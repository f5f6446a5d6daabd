import type { DataSource } from 'typeorm';

export interface RetentionSettings {
  /** Days to keep; 0 keeps forever. */
  auditDays: number;
  eventsDays: number;
  requestsDays: number;
  /** Rows per DELETE statement. */
  batch: number;
  /** Statements per table per sweep, so one sweep is bounded too (the next one continues). */
  maxBatches?: number;
}

export interface RetentionResult {
  audit: number;
  events: number;
  deliveries: number;
  requests: number;
}

const DAY_MS = 86_400_000;

/**
 * Deletes history older than its retention, in small batches (short statements, short locks; ids ascend with
 * time, so each batch walks the primary key from the oldest row and stops early). Finished requests go only when
 * their cluster is no longer live (a live cluster's request still names its job and secrets), with their
 * secrets; secrets whose request is gone go too.
 */
export async function sweepRetention(db: DataSource, s: RetentionSettings, now = Date.now()): Promise<RetentionResult> {
  const result: RetentionResult = { audit: 0, events: 0, deliveries: 0, requests: 0 };
  const maxBatches = s.maxBatches ?? 100;
  const cutoff = (days: number) => new Date(now - days * DAY_MS);
  /** Runs a `WITH d AS (DELETE … RETURNING …) SELECT count(*) AS n FROM d` statement until a batch comes up short. */
  const inBatches = async (sql: string, params: unknown[]): Promise<number> => {
    let total = 0;
    for (let i = 0; i < maxBatches; i++) {
      const rows: Array<{ n: number }> = await db.query(sql, [...params, s.batch]);
      const n = Number(rows[0]?.n ?? 0);
      total += n;
      if (n < s.batch) break;
    }
    return total;
  };
  const counted = (del: string) => `WITH d AS (${del} RETURNING 1) SELECT count(*)::int AS n FROM d`;
  if (s.auditDays > 0) {
    result.audit = await inBatches(counted(`DELETE FROM audit_log WHERE id IN (SELECT id FROM audit_log WHERE at < $1 ORDER BY id LIMIT $2)`), [cutoff(s.auditDays)]);
  }
  if (s.eventsDays > 0) {
    result.deliveries = await inBatches(
      counted(`DELETE FROM webhook_deliveries WHERE id IN (SELECT id FROM webhook_deliveries WHERE state <> 'pending' AND created_at < $1 ORDER BY id LIMIT $2)`),
      [cutoff(s.eventsDays)],
    );
    result.events = await inBatches(counted(`DELETE FROM events WHERE id IN (SELECT id FROM events WHERE created_at < $1 ORDER BY id LIMIT $2)`), [cutoff(s.eventsDays)]);
  }
  if (s.requestsDays > 0) {
    result.requests = await inBatches(
      `WITH gone AS (
         DELETE FROM requests WHERE id IN (
           SELECT r.id FROM requests r
            WHERE r.status IN ('SUCCEEDED', 'FAILED', 'CANCELLED') AND r.updated_at < $1
              AND NOT EXISTS (SELECT 1 FROM clusters c WHERE c.name = r.cluster_name AND c.status NOT IN ('TERMINATED', 'FAILED'))
            LIMIT $2)
         RETURNING id),
       secrets AS (DELETE FROM request_secrets WHERE request_id IN (SELECT id FROM gone))
       SELECT count(*)::int AS n FROM gone`,
      [cutoff(s.requestsDays)],
    );
  }
  // Secrets nobody will open again: their request is gone, or failed/cancelled (a launch failed anywhere — the
  // optimizer included — or was cancelled; teardown and the provisioner's failure path delete the rest at once).
  await db.query(
    `DELETE FROM request_secrets s WHERE NOT EXISTS (SELECT 1 FROM requests r WHERE r.id = s.request_id AND r.status NOT IN ('FAILED', 'CANCELLED'))`,
  );
  return result;
}
