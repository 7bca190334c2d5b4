// Whether a principal resolved earlier may still act: for a request that lasts (a live stream), asked
// again every few seconds, so a sign-out, a removed user, a role change or a revoked or expired token
// ends it too, not only the next request.
import 'server-only';
import type { Principal } from './principal';
import type { AccessRole, Grant } from './scope';
import { getUser } from './users';
import { isSessionLive } from './sessions';
import { getApiTokenById, isExpired } from './api-tokens';

/**
 * The record still gives what the principal was built with: the same global role and grants (README ›
 * Team scopes), so a changed grant ends a stream that may now carry another scope's events. A principal
 * without access (built before grants) compares its role.
 */
function sameAccess(principal: Principal, record: { role: AccessRole; grants?: Grant[] }): boolean {
  if (!principal.access) return record.role === principal.role;
  const global = record.role === 'none' ? null : record.role;
  return global === principal.access.global && JSON.stringify(record.grants ?? []) === JSON.stringify(principal.access.grants);
}

export async function stillAllowed(principal: Principal): Promise<boolean> {
  if (principal.kind === 'session') {
    const [user, live] = await Promise.all([getUser(principal.id), isSessionLive(principal.id, principal.sessionId)]);
    return Boolean(user && live && sameAccess(principal, user));
  }
  if (principal.kind === 'token') {
    const record = await getApiTokenById(principal.id);
    return Boolean(record && !isExpired(record) && sameAccess(principal, record));
  }
  return true;
}
