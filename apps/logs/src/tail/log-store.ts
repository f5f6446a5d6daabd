import type { DataSource } from 'typeorm';
import { LOGS_CHANNEL, logsNotification } from '@skyport/contracts';
import { skyportMetrics } from '@skyport/telemetry';

export interface StreamKey {
  clusterName: string;
  jobId: number;
  stream: string;
}

export interface NodePosition {
  offset: number;
  skipping: boolean;
}

/** Another writer moved this node's offset: the caller reloads and reads again, nothing is stored twice. */
export class OffsetMoved extends Error {}

/**
 * Stores log lines and the node's new offset in ONE transaction, so after any crash the stored lines and the
 * offset agree: reading resumes exactly after the last stored line, with nothing lost or stored twice.
 */
export class LogStore {
  constructor(private readonly db: DataSource) {}

  async positions(key: StreamKey): Promise<Map<number, NodePosition>> {
    const rows: Array<{ node_rank: number; offset: string; skipping: boolean }> = await this.db.query(
      `SELECT node_rank, "offset", skipping FROM log_offsets WHERE cluster_name = $1 AND job_id = $2 AND stream = $3`,
      [key.clusterName, key.jobId, key.stream],
    );
    return new Map(rows.map((r) => [r.node_rank, { offset: Number(r.offset), skipping: r.skipping }]));
  }

  async isDone(key: StreamKey): Promise<boolean> {
    const rows: Array<{ done: boolean }> = await this.db.query(`SELECT done FROM log_streams WHERE cluster_name = $1 AND job_id = $2 AND stream = $3`, [
      key.clusterName,
      key.jobId,
      key.stream,
    ]);
    return rows[0]?.done ?? false;
  }

  /**
   * One statement (one round trip, atomic on its own): advance the node's offset if it still stands at `from`,
   * reserve the lines' sequence numbers on the stream's row (the upsert locks it, so nodes of one job append one
   * after the other), insert the lines and notify followers. It was a transaction of eight round trips; at
   * hundreds of appends a second the round trips, not the rows, were the cost.
   */
  async append(key: StreamKey, nodeRank: number, from: NodePosition, to: NodePosition, lines: string[]): Promise<void> {
    const rows: Array<{ moved: number }> = await this.db.query(
      `WITH o AS (
         INSERT INTO log_offsets (cluster_name, job_id, stream, node_rank, "offset", skipping) VALUES ($1, $2, $3, $4::int, $5::bigint, $6::boolean)
         ON CONFLICT (cluster_name, job_id, stream, node_rank) DO UPDATE SET "offset" = EXCLUDED."offset", skipping = EXCLUDED.skipping
         WHERE log_offsets."offset" = $7::bigint RETURNING 1
       ), s AS (
         INSERT INTO log_streams AS ls (cluster_name, job_id, stream, next_seq) SELECT $1, $2, $3, 1 + $9::bigint WHERE EXISTS (SELECT 1 FROM o)
         ON CONFLICT (cluster_name, job_id, stream) DO UPDATE SET next_seq = ls.next_seq + $9::bigint, updated_at = now()
         RETURNING next_seq - $9::bigint AS first
       ), l AS (
         INSERT INTO log_lines (cluster_name, job_id, stream, seq, node_rank, text)
         SELECT $1, $2, $3, s.first + u.ord - 1, $4::int, u.t FROM s, unnest($8::text[]) WITH ORDINALITY AS u(t, ord)
       )
       SELECT (SELECT count(*) FROM o)::int AS moved, (SELECT pg_notify($10, $11) FROM s WHERE $9::bigint > 0) AS notified`,
      [key.clusterName, key.jobId, key.stream, nodeRank, to.offset, to.skipping, from.offset, lines, lines.length, LOGS_CHANNEL, logsNotification(key.clusterName, key.jobId)],
    );
    if (rows[0]?.moved !== 1) throw new OffsetMoved(`offset of ${key.clusterName}/${key.jobId}/${key.stream}/${nodeRank} moved`);
    skyportMetrics.logLines().inc(lines.length);
  }

  /** Every node's output is stored: followers get their end-of-stream. */
  async markDone(key: StreamKey, note?: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const params = [key.clusterName, key.jobId, key.stream];
      await tx.query(`INSERT INTO log_streams (cluster_name, job_id, stream) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, params);
      const [stream]: Array<{ next_seq: string; done: boolean }> = await tx.query(
        `SELECT next_seq, done FROM log_streams WHERE cluster_name = $1 AND job_id = $2 AND stream = $3 FOR UPDATE`,
        params,
      );
      if (stream.done) return;
      if (note) {
        await tx.query(`INSERT INTO log_lines (cluster_name, job_id, stream, seq, node_rank, text) VALUES ($1, $2, $3, $4, 0, $5)`, [...params, stream.next_seq, note]);
      }
      await tx.query(`UPDATE log_streams SET done = true, next_seq = next_seq + $4, updated_at = now() WHERE cluster_name = $1 AND job_id = $2 AND stream = $3`, [
        ...params,
        note ? 1 : 0,
      ]);
      await tx.query('SELECT pg_notify($1, $2)', [LOGS_CHANNEL, logsNotification(key.clusterName, key.jobId)]);
    });
  }
}
