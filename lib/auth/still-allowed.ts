// Whether a principal resolved earlier may still act: for a request that lasts (a live stream), asked
// again every few seconds, so a sign-out, a removed user, a role change or a revoked or expired token
// ends it too, not only the next request — and a change of global role or grants (README › Team scopes):
// the stream was opened for the queues the old scope could see.
import 'server-only';
import { accessOf, type Principal } from './principal';
import type { AccessRole, Grant } from './scope';
import { getUser } from './users';
import { isSessionLive } from './sessions';
import { getApiTokenById, isExpired } from './api-tokens';

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

/** True when the stored record still gives the principal's global role and grants. */
function sameAccess(principal: Principal, record: { role: AccessRole; grants?: Grant[] }): boolean {
  const access = accessOf(principal);
  return (record.role === 'none' ? null : record.role) === access.global && JSON.stringify(record.grants ?? []) === JSON.stringify(access.grants);
}
