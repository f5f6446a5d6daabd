import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { ErrorCode, SkyportError, type PrincipalView } from '@skyport/contracts';

export type { Role } from '@skyport/contracts';

/** Who is calling: resolved from the bearer token by the auth middleware (`tokenId` is null only when auth is off). */
export type Principal = PrincipalView;

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
