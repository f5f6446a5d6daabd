import { Controller, Get, Inject, Query } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ErrorCode, SkyportError, type AuditView, type AuditPage } from '@skyport/contracts';
import { Caller, requireAdmin, type Principal } from '../auth/principal';
import { str } from '../http/query-value';
import { decodeCursor, encodeCursor, pageLimit } from '../http/pagination';


@Controller('v1')
export class AuditController {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  /** Newest first. `?actor=<user name>&result=ok|<CODE>&since=<RFC 3339>&limit=&cursor=`. Admins only. */
  @Get('audit')
  async list(@Caller() caller: Principal, @Query() query: Record<string, string | undefined>): Promise<AuditPage> {
    requireAdmin(caller);
    const params: unknown[] = [];
    const where: string[] = ['TRUE'];
    const actor = str(query.actor);
    if (actor) {
      params.push(actor);
      where.push(`actor_name = $${params.length}`);
    }
    const result = str(query.result);
    if (result) {
      params.push(result);
      where.push(`result = $${params.length}`);
    }
    const since = str(query.since);
    if (since) {
      const at = new Date(since);
      if (Number.isNaN(at.getTime())) throw new SkyportError(ErrorCode.InvalidRequest, '"since" must be an RFC 3339 time');
      params.push(at);
      where.push(`at >= $${params.length}`);
    }
    const cursor = decodeCursor(str(query.cursor));
    if (cursor !== undefined) {
      if (!/^\d{1,18}$/.test(cursor)) throw new SkyportError(ErrorCode.InvalidRequest, 'the cursor is not valid; use the nextCursor of the previous page');
      params.push(cursor);
      where.push(`id < $${params.length}`);
    }
    const limit = pageLimit(str(query.limit));
    params.push(limit + 1);
    const rows: Array<Record<string, unknown>> = await this.db.query(`SELECT * FROM audit_log WHERE ${where.join(' AND ')} ORDER BY id DESC LIMIT $${params.length}`, params);
    const items = rows.slice(0, limit).map(
      (r): AuditView => ({
        id: String(r.id),
        at: (r.at as Date).toISOString(),
        actor: (r.actor_name as string | null) ?? null,
        actorId: (r.actor_id as string | null) ?? null,
        tokenId: (r.token_id as string | null) ?? null,
        method: r.method as string,
        path: r.path as string,
        result: r.result as string,
        statusCode: Number(r.status_code),
        ip: (r.ip as string | null) ?? null,
        userAgent: (r.user_agent as string | null) ?? null,
      }),
    );
    return rows.length > limit ? { items, nextCursor: encodeCursor(items[items.length - 1].id) } : { items };
  }
}
