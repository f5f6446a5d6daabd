import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { ErrorCode, type ErrorBody } from '@skyport/contracts';
import { SERVICE_CONFIG } from '@skyport/service-kit';
import type { ApiConfig } from '../config';
import { IdentityService } from './identity.service';
import { ANONYMOUS_ADMIN, setPrincipal } from './principal';
import { looksLikeToken } from './token-secret';

/** Paths anyone may call: probes, metrics scraping and the API description. */
export function isPublicPath(path: string): boolean {
  return path === '/healthz' || path === '/metrics' || path === '/v1/openapi.json' || path === '/v1/docs' || path.startsWith('/v1/docs/') || path === '/v1/docs-json';
}

/**
 * Resolves `Authorization: Bearer <token>` to a principal for every non-public path; answers 401 itself for a
 * missing, unknown, revoked or expired token (never saying which, and never echoing the token).
 */
@Injectable()
export class AuthMiddleware implements NestMiddleware {
  constructor(
    @Inject(IdentityService) private readonly identity: IdentityService,
    @Inject(SERVICE_CONFIG) private readonly config: ApiConfig,
  ) {}

  use(req: Request, res: Response, next: NextFunction): void {
    const path = req.originalUrl.split('?')[0];
    if (this.config.SKYPORT_API_AUTH === 'off') {
      setPrincipal(req, ANONYMOUS_ADMIN);
      return next();
    }
    if (isPublicPath(path)) return next();
    const header = req.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match || !looksLikeToken(match[1])) {
      return this.refuse(res, header ? 'the Authorization header must be "Bearer <token>"' : 'this call needs a bearer token: set SKYPORT_TOKEN (or api.token in ~/.skyport/config.yaml), or send "Authorization: Bearer <token>"');
    }
    this.identity.authenticate(match[1]).then(
      (principal) => {
        if (!principal) return this.refuse(res, 'the bearer token is not valid: it is unknown, revoked or expired');
        setPrincipal(req, principal);
        next();
      },
      (error: unknown) => next(error),
    );
  }

  private refuse(res: Response, message: string): void {
    const body: ErrorBody = { code: ErrorCode.Unauthenticated, message };
    res.setHeader('WWW-Authenticate', 'Bearer realm="skyport"');
    res.status(401).json(body);
  }
}
