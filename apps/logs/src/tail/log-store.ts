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

  async append(key: StreamKey, nodeRank: number, from: NodePosition, to: NodePosition, lines: string[]): Promise<void> {
    await this.db.transaction(async (tx) => {
      const params = [key.clusterName, key.jobId, key.stream];
      await tx.query(`INSERT INTO log_streams (cluster_name, job_id, stream) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, params);
      const [stream]: Array<{ next_seq: string }> = await tx.query(
        `SELECT next_seq FROM log_streams WHERE cluster_name = $1 AND job_id = $2 AND stream = $3 FOR UPDATE`,
        params,
      );
      const moved = await tx.query(
        `INSERT INTO log_offsets (cluster_name, job_id, stream, node_rank, "offset", skipping) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (cluster_name, job_id, stream, node_rank) DO UPDATE SET "offset" = EXCLUDED."offset", skipping = EXCLUDED.skipping
         WHERE log_offsets."offset" = $7 RETURNING 1`,
        [...params, nodeRank, to.offset, to.skipping, from.offset],
      );
      if (moved.length === 0) throw new OffsetMoved(`offset of ${key.clusterName}/${key.jobId}/${key.stream}/${nodeRank} moved`);
      if (lines.length > 0) {
        const first = Number(stream.next_seq);
        await tx.query(
          `INSERT INTO log_lines (cluster_name, job_id, stream, seq, node_rank, text)
           SELECT $1, $2, $3, $4::bigint + u.ord - 1, $5, u.t FROM unnest($6::text[]) WITH ORDINALITY AS u(t, ord)`,
          [...params, first, nodeRank, lines],
        );
        await tx.query(`UPDATE log_streams SET next_seq = next_seq + $4, updated_at = now() WHERE cluster_name = $1 AND job_id = $2 AND stream = $3`, [
          ...params,
          lines.length,
        ]);
        await tx.query('SELECT pg_notify($1, $2)', [LOGS_CHANNEL, logsNotification(key.clusterName, key.jobId)]);
      }
    });
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
