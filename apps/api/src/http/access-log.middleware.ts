import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { pinoHttp, type HttpLogger } from 'pino-http';
import { SERVICE_LOGGER, type Logger } from '@skyport/service-kit';
import { principalOf } from '../auth/principal';

/** Probes and scrapes answer every few seconds: logging them would drown the calls people make. */
const QUIET_PATHS = new Set(['/healthz', '/metrics']);
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

const pathOf = (req: IncomingMessage): string => (req as Request).originalUrl?.split('?')[0] ?? req.url?.split('?')[0] ?? '';

/**
 * One line per HTTP call (pino-http): method, path (never the query string, which may carry a stream's resume
 * token), route pattern, status, duration, caller (user id and team, never the token) and a request id — the
 * caller's X-Request-Id when it is a plain id, else a new one — echoed back in X-Request-Id so a client can quote
 * it. Server errors log at error, refusals at info like successes.
 */
@Injectable()
export class AccessLogMiddleware implements NestMiddleware {
  private readonly http: HttpLogger;

  constructor(@Inject(SERVICE_LOGGER) logger: Logger) {
    this.http = pinoHttp({
      logger: logger.child({ component: 'http' }),
      quietReqLogger: true,
      genReqId: (req: IncomingMessage, res: ServerResponse) => {
        const given = req.headers['x-request-id'];
        const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      autoLogging: { ignore: (req: IncomingMessage) => QUIET_PATHS.has(pathOf(req)) },
      serializers: {
        req: (req: { id: unknown; method: string; raw: IncomingMessage }) => ({ id: req.id, method: req.method, path: pathOf(req.raw) }),
        res: (res: { statusCode: number }) => ({ status: res.statusCode }),
      },
      customLogLevel: (_req: IncomingMessage, res: ServerResponse, err?: Error) => (err || res.statusCode >= 500 ? 'error' : 'info'),
      customSuccessMessage: (req: IncomingMessage, res: ServerResponse) => `${req.method} ${pathOf(req)} ${res.statusCode}`,
      customErrorMessage: (req: IncomingMessage, res: ServerResponse) => `${req.method} ${pathOf(req)} ${res.statusCode}`,
      customProps: (req: IncomingMessage) => {
        const express = req as Request;
        const route = (express.route as { path?: string } | undefined)?.path;
        const caller = principalOf(express);
        return {
          ...(route ? { route: `${express.baseUrl ?? ''}${route}` } : {}),
          ...(caller ? { user: caller.userId, team: caller.team } : {}),
        };
      },
    });
  }

  use(req: Request, res: Response, next: NextFunction): void {
    this.http(req, res);
    next();
  }
}
