import type { DataSource } from 'typeorm';
import { GroupCommit } from '@skyport/service-kit';

export interface AuditRow {
  at: Date;
  actorId: string | null;
  actorName: string;
  tokenId: string | null;
  method: string;
  path: string;
  result: string;
  statusCode: number;
  ip: string | null;
  userAgent: string | null;
}

const COLUMNS = ['at', 'actor_id', 'actor_name', 'token_id', 'method', 'path', 'result', 'status_code', 'ip', 'user_agent'] as const;
/** Postgres allows 65,535 parameters a statement; 500 rows × 10 stay far below. */
const MAX_BATCH = 500;

/**
 * Group commit of audit rows: a row is inserted at once when no insert is in flight; the rows that finish while
 * one is become the next single multi-row INSERT. An idle api writes each row as before, a busy one writes one
 * statement per batch instead of one per call. `at` is when the answer was sent, not when the batch was written.
 * Nobody waits for a row: a failed batch goes to `onError` with its rows.
 */
export class AuditWriter {
  private readonly group: GroupCommit<AuditRow>;

  constructor(
    private readonly db: DataSource,
    onError: (error: unknown, rows: AuditRow[]) => void,
  ) {
    this.group = new GroupCommit((rows) => this.insert(rows), { maxBatch: MAX_BATCH, onBatchError: onError });
  }

  add(row: AuditRow): void {
    void this.group.add(row);
  }

  /** Resolves once every row added so far is written (or reported as failed): the api awaits it before it stops. */
  flush(): Promise<void> {
    return this.group.flush();
  }

  private async insert(rows: AuditRow[]): Promise<void> {
    const params: unknown[] = [];
    const tuples = rows.map((r) => {
      const values = [r.at, r.actorId, r.actorName, r.tokenId, r.method, r.path, r.result, r.statusCode, r.ip, r.userAgent];
      const start = params.length;
      params.push(...values);
      return `(${values.map((_, i) => `$${start + i + 1}`).join(', ')})`;
    });
    await this.db.query(`INSERT INTO audit_log (${COLUMNS.join(', ')}) VALUES ${tuples.join(', ')}`, params);
  }
}
