import type { Principal } from './principal';

/**
 * SQL that limits rows to what the caller may see: everything for an admin; for a user, rows owned by anyone in
 * their team (or by themselves when they have no team). `ownerColumn` holds a user id; `params` is extended.
 * Rows outside the scope are answered as "not found", so their existence does not leak.
 */
export function ownerScope(principal: Principal, ownerColumn: string, params: unknown[]): string {
  if (principal.role === 'admin') return 'TRUE';
  params.push(principal.userId);
  const me = `$${params.length}`;
  if (!principal.team) return `${ownerColumn} = ${me}`;
  params.push(principal.team);
  return `(${ownerColumn} = ${me} OR ${ownerColumn} IN (SELECT u.id::text FROM users u WHERE u.team = $${params.length}))`;
}
