import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import type { RateLimiterAbstract, RateLimiterRes } from 'rate-limiter-flexible';
import { ErrorCode, type ErrorBody } from '@skyport/contracts';
import { REDIS_CONNECTION, SERVICE_CONFIG, type Redis } from '@skyport/service-kit';
import type { ApiConfig } from '../config';
import { isPublicPath } from '../auth/auth.middleware';
import { principalOf } from '../auth/principal';
import { apiMetrics } from '../metrics/api-metrics';
import { clientAddress, consume, overLimit, sharedLimiter } from './rate-limiters';
import { SpentBucketView } from './spent-bucket-view';

/**
 * Before authentication, limits are keyed on the client address only — never on the Authorization header, which
 * the caller chooses freely (a fresh bogus token, or the same token with other spacing, must not get a fresh
 * bucket). Every call spends from the address's bucket; a call that then fails authentication also spends from
 * the address's smaller "unauthenticated" bucket, and once that is spent the address gets 429 before any token
 * lookup. Buckets live in Redis (shared by api replicas); whether the unauthenticated one is spent is read from
 * this replica's view of it (SpentBucketView: refreshed by each 401 and at most once a second from Redis), so an
 * authenticated call costs one Redis round trip here instead of two.
 */
@Injectable()
export class RateLimitMiddleware implements NestMiddleware {
  private readonly address: RateLimiterAbstract;
  private readonly unauthenticated: SpentBucketView;

  constructor(
    @Inject(REDIS_CONNECTION) redis: Redis,
    @Inject(SERVICE_CONFIG) private readonly config: ApiConfig,
  ) {
    const window = config.SKYPORT_API_RATE_WINDOW_SECONDS;
    this.address = sharedLimiter(redis, 'address', config.SKYPORT_API_RATE_LIMIT_ADDRESS, window);
    const unauthenticated = sharedLimiter(redis, 'unauthenticated', config.SKYPORT_API_RATE_LIMIT_UNAUTHENTICATED, window);
    this.unauthenticated = new SpentBucketView(unauthenticated, config.SKYPORT_API_RATE_LIMIT_UNAUTHENTICATED);
  }

  use(req: Request, res: Response, next: NextFunction): void {
    if (isPublicPath(req.originalUrl.split('?')[0])) return next();
    const who = clientAddress(req);
    void (async () => {
      const locked = await this.unauthenticated.spent(who);
      if (locked) return refuse(res, locked, `too many unauthenticated calls from your address: at most ${this.config.SKYPORT_API_RATE_LIMIT_UNAUTHENTICATED} per ${this.config.SKYPORT_API_RATE_WINDOW_SECONDS} s without a valid token`);
      const over = await overLimit(this.address, who);
      if (over) return refuse(res, over, `too many requests from your address: at most ${this.config.SKYPORT_API_RATE_LIMIT_ADDRESS} per ${this.config.SKYPORT_API_RATE_WINDOW_SECONDS} s`);
      res.on('finish', () => {
        if (res.statusCode === 401) this.unauthenticated.spend(who);
      });
      next();
    })().catch(next);
  }
}

/**
 * After authentication: one bucket per authenticated identity (the user, whichever of its tokens it uses and
 * however the header is spelled), SKYPORT_API_RATE_LIMIT per window.
 */
@Injectable()
export class IdentityRateLimitMiddleware implements NestMiddleware {
  private readonly identity: RateLimiterAbstract;

  constructor(
    @Inject(REDIS_CONNECTION) redis: Redis,
    @Inject(SERVICE_CONFIG) private readonly config: ApiConfig,
  ) {
    this.identity = sharedLimiter(redis, 'identity', config.SKYPORT_API_RATE_LIMIT, config.SKYPORT_API_RATE_WINDOW_SECONDS);
  }

  use(req: Request, res: Response, next: NextFunction): void {
    const principal = principalOf(req);
    if (!principal) return next();
    const limit = this.config.SKYPORT_API_RATE_LIMIT;
    void (async () => {
      const key = `u:${principal.userId}`;
      const { refused, state } = await consume(this.identity, key);
      if (refused) return refuse(res, refused, `too many requests: at most ${limit} per ${this.config.SKYPORT_API_RATE_WINDOW_SECONDS} s per user`);
      res.setHeader('X-RateLimit-Limit', String(limit));
      if (state) res.setHeader('X-RateLimit-Remaining', String(Math.max(0, state.remainingPoints)));
      next();
    })().catch(next);
  }
}

function refuse(res: Response, state: RateLimiterRes, message: string): void {
  const retryAfter = Math.max(1, Math.ceil(state.msBeforeNext / 1000));
  apiMetrics.rateLimited.inc();
  const body: ErrorBody = { code: ErrorCode.RateLimited, message: `${message}; retry after ${retryAfter} s`, details: { retryAfterSeconds: retryAfter } };
  res.setHeader('Retry-After', String(retryAfter));
  res.status(429).json(body);
}
