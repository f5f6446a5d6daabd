import type { Principal } from '../auth/principal';

/**
 * Whose uploads a caller may use: its team's (`team:<name>`), or its own when it has no team (`user:<id>`).
 * Admins are no exception: an upload is a team's data, not the platform's.
 */
export function blobScopeOf(principal: Principal): string {
  return principal.team ? `team:${principal.team}` : `user:${principal.userId}`;
}
