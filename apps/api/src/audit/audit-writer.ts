import type { DataSource } from 'typeorm';

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
 */
export class AuditWriter {
  private pending: AuditRow[] = [];
  private writing: Promise<void> | undefined;

  constructor(
    private readonly db: DataSource,
    private readonly onError: (error: unknown, rows: AuditRow[]) => void,
  ) {}

  add(row: AuditRow): void {
    this.pending.push(row);
    if (!this.writing) this.writing = this.drain().finally(() => (this.writing = undefined));
  }

  /** Resolves once every row added so far is written (or reported as failed): the api awaits it before it stops. */
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
  }

  private async drain(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, MAX_BATCH);
      await this.insert(batch).catch((error: unknown) => this.onError(error, batch));
    }
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
