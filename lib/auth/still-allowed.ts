// Whether a principal resolved earlier may still act: for a request that lasts (a live stream), asked
// again every few seconds, so a sign-out, a removed user, a role change or a revoked or expired token
// ends it too, not only the next request.
import 'server-only';
import type { Principal } from './principal';
import { getUser } from './users';
import { isSessionLive } from './sessions';
import { getApiTokenById, isExpired } from './api-tokens';

export async function stillAllowed(principal: Principal): Promise<boolean> {
  if (principal.kind === 'session') {
    const [user, live] = await Promise.all([getUser(principal.id), isSessionLive(principal.id, principal.sessionId)]);
    return Boolean(user && live && user.role === principal.role);
  }
  if (principal.kind === 'token') {
    const record = await getApiTokenById(principal.id);
    return Boolean(record && !isExpired(record) && record.role === principal.role);
  }
  return true;
}
