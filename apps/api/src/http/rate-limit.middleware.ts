import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { ErrorCode, type ErrorBody } from '@skyport/contracts';
import { REDIS_CONNECTION, SERVICE_CONFIG, SERVICE_LOGGER, type Logger, type Redis } from '@skyport/service-kit';
import type { ApiConfig } from '../config';
import { isPublicPath } from '../auth/auth.middleware';
import { apiMetrics } from '../metrics/api-metrics';

/**
 * A fixed window per token (per address for calls without one), counted in Redis so every api replica shares
 * it. It runs before authentication, so a flood of bad tokens is limited too. Over the limit: 429 with
 * Retry-After. If Redis is unreachable the call goes through (the limiter protects, it must not take the api down).
 */
@Injectable()
export class RateLimitMiddleware implements NestMiddleware {
  constructor(
    @Inject(REDIS_CONNECTION) private readonly redis: Redis,
    @Inject(SERVICE_CONFIG) private readonly config: ApiConfig,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {}

  use(req: Request, res: Response, next: NextFunction): void {
    const path = req.originalUrl.split('?')[0];
    if (isPublicPath(path)) return next();
    const auth = req.headers.authorization;
    const who = auth ? `t:${createHash('sha256').update(auth).digest('hex').slice(0, 32)}` : `ip:${req.ip ?? req.socket.remoteAddress ?? '?'}`;
    const windowSeconds = this.config.SKYPORT_API_RATE_WINDOW_SECONDS;
    const limit = this.config.SKYPORT_API_RATE_LIMIT;
    const window = Math.floor(Date.now() / 1000 / windowSeconds);
    const key = `skyport:ratelimit:${who}:${window}`;
    const counted = this.redis.multi().incr(key).expire(key, windowSeconds + 1).exec();
    // The connection queues commands while Redis is away; do not hold the call behind it.
    const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('rate limiter timed out')), 500).unref());
    Promise.race([counted, timeout])
      .then(
        (results) => {
          const count = Number(results?.[0]?.[1] ?? 0);
          res.setHeader('X-RateLimit-Limit', String(limit));
          res.setHeader('X-RateLimit-Remaining', String(Math.max(0, limit - count)));
          if (count <= limit) return next();
          const retryAfter = Math.max(1, (window + 1) * windowSeconds - Math.floor(Date.now() / 1000));
          apiMetrics.rateLimited.inc();
          const body: ErrorBody = { code: ErrorCode.RateLimited, message: `too many requests: at most ${limit} per ${windowSeconds} s per token; retry after ${retryAfter} s`, details: { retryAfterSeconds: retryAfter } };
          res.setHeader('Retry-After', String(retryAfter));
          res.status(429).json(body);
        },
        (error: unknown) => {
          this.logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'rate limiter unavailable; letting the call through');
          next();
        },
      );
  }
}
