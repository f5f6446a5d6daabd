import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { ErrorCode, SkyportError } from '@skyport/contracts';

export type Role = 'admin' | 'user';

/** Who is calling: resolved from the bearer token by the auth middleware. */
export interface Principal {
  userId: string;
  name: string;
  role: Role;
  kind: 'user' | 'service';
  team: string | null;
  /** Null only when auth is off (the anonymous admin of a local development api). */
  tokenId: string | null;
}

/** The caller when `SKYPORT_API_AUTH=off`: every call acts as an admin named `anonymous`. */
export const ANONYMOUS_ADMIN: Principal = { userId: 'anonymous', name: 'anonymous', role: 'admin', kind: 'user', team: null, tokenId: null };

type WithPrincipal = Request & { principal?: Principal };

export function setPrincipal(req: Request, principal: Principal): void {
  (req as WithPrincipal).principal = principal;
}

export function principalOf(req: Request): Principal | undefined {
  return (req as WithPrincipal).principal;
}

/** Handler parameter: the authenticated caller. */
export const Caller = createParamDecorator((_data: unknown, ctx: ExecutionContext): Principal => {
  const principal = principalOf(ctx.switchToHttp().getRequest<Request>());
  if (!principal) throw new SkyportError(ErrorCode.Unauthenticated, 'this call needs a bearer token (Authorization: Bearer <token>)');
  return principal;
});

export function isAdmin(principal: Principal): boolean {
  return principal.role === 'admin';
}

export function requireAdmin(principal: Principal): void {
  if (!isAdmin(principal)) throw new SkyportError(ErrorCode.Forbidden, 'only an admin may do this');
}
