import { Inject, Injectable, type BeforeApplicationShutdown, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { DataSource } from 'typeorm';
import { Counter } from 'prom-client';
import { SERVICE_LOGGER, type Logger } from '@skyport/service-kit';
import { lazyMetric, metricsRegistry } from '@skyport/telemetry';
import { principalOf } from '../auth/principal';
import { AuditWriter, type AuditRow } from './audit-writer';

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Mutating calls refused before anyone was authenticated (401, or 429 from the address limit). */
const unauthenticatedCalls = lazyMetric('skyport_api_unauthenticated_calls_total', () =>
  new Counter({ name: 'skyport_api_unauthenticated_calls_total', help: 'Mutating calls answered without an authenticated caller (not written to the audit log), by status.', labelNames: ['status'], registers: [metricsRegistry] }),
)();

/**
 * Writes one audit row per authenticated mutating call once its answer is sent: who (user and token), what (method, path),
 * when, from where (address, user agent) and the result (`ok` or the error code). Bodies are never stored, so
 * no secret can reach the log.
 */
@Injectable()
export class AuditMiddleware implements NestMiddleware, BeforeApplicationShutdown {
  private readonly writer: AuditWriter;

  constructor(@Inject(DataSource) db: DataSource, @Inject(SERVICE_LOGGER) logger: Logger) {
    this.writer = new AuditWriter(db, (error, rows) => {
      const err = error instanceof Error ? error.message : String(error);
      for (const row of rows.slice(0, 20)) logger.error({ err, method: row.method, path: row.path }, 'could not write the audit log');
      if (rows.length > 20) logger.error({ err, rows: rows.length - 20 }, 'could not write the audit log (more rows of the same batch)');
    });
  }

  /** Rows still batched when the api stops are written first (the database connection closes after this hook). */
  beforeApplicationShutdown(): Promise<void> {
    return this.writer.flush();
  }

  use(req: Request, res: Response, next: NextFunction): void {
    if (!MUTATING.has(req.method)) return next();
    let errorCode: string | undefined;
    const json = res.json.bind(res);
    res.json = (body?: unknown): Response => {
      if (res.statusCode >= 400 && typeof body === 'object' && body !== null && typeof (body as { code?: unknown }).code === 'string') errorCode = (body as { code: string }).code;
      return json(body);
    };
    res.on('finish', () => {
      const principal = principalOf(req);
      // Nobody authenticated: a counter, not a row (a flood of bogus calls must not fill the audit log).
      if (!principal) {
        unauthenticatedCalls.inc({ status: String(res.statusCode) });
        return;
      }
      const row: AuditRow = {
        at: new Date(),
        actorId: principal.userId !== 'anonymous' ? principal.userId : null,
        actorName: principal.name,
        tokenId: principal.tokenId ?? null,
        method: req.method,
        path: req.originalUrl.split('?')[0].slice(0, 2000),
        result: res.statusCode < 400 ? 'ok' : (errorCode ?? `HTTP_${res.statusCode}`),
        statusCode: res.statusCode,
        ip: (req.ip ?? req.socket.remoteAddress ?? null)?.slice(0, 100) ?? null,
        userAgent: (req.headers['user-agent'] ?? '').slice(0, 300) || null,
      };
      this.writer.add(row);
    });
    next();
  }
}
