// The one server-side guard: every page, route handler and server action resolves its principal here.
import 'server-only';
import { cache } from 'react';
import { getServerSession } from 'next-auth';
import { forbidden, redirect } from 'next/navigation';
import { UnauthorizedError } from '@/lib/errors';
import { authOptions } from './options';
import { getUser } from './users';
import { isExpired, touchApiToken, verifyApiToken } from './api-tokens';
import { isSessionLive } from './sessions';
import { hasRole, type Role } from './roles';
import { principalWithAccess, type Principal } from './principal';
import type { AccessRole, Grant } from './scope';

/**
 * The signed-in user of this request, re-read from Redis so that a removed user or a changed
 * role takes effect on the next request rather than when the JWT expires, and only while the
 * session's id is still registered (sign-out, "sign out everywhere", password reset, role change).
 */
export const currentSessionPrincipal = cache(async (): Promise<Principal | null> => {
  const session = await getServerSession(authOptions());
  const email = session?.user?.email;
  if (!email) return null;
  const [user, live] = await Promise.all([getUser(email), isSessionLive(email, session.sid)]);
  if (!user || !live) return null;
  return principalWithAccess({ kind: 'session', id: user.email, name: user.email, sessionId: session.sid }, accessFromRecord(user));
});

/** Bearer token first (automation), then the session cookie. Throws 401 for a bad token. */
export async function principalFromRequest(request: Request): Promise<Principal | null> {
  const header = request.headers.get('authorization');
  if (header) {
    const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
    if (!match) throw new UnauthorizedError('Malformed Authorization header: expected "Bearer <token>"');
    return tokenPrincipal(match[1]);
  }
  return currentSessionPrincipal();
}

/** The principal of an API token (its last use recorded); 401 when unknown, revoked or expired. */
export async function tokenPrincipal(token: string): Promise<Principal> {
  const record = await verifyApiToken(token);
  if (!record) throw new UnauthorizedError('Invalid or revoked API token');
  if (isExpired(record)) {
    throw new UnauthorizedError(`API token "${record.name}" expired at ${new Date(record.expiresAt!).toISOString()}`);
  }
  void touchApiToken(record.id);
  return principalWithAccess({ kind: 'token', id: record.id, name: `token:${record.name}` }, accessFromRecord(record));
}

export { assertRole } from './assert-role';

/** A stored user's or token's global role and grants as the scope rules read them. */
export function accessFromRecord(record: { role: AccessRole; grants?: Grant[] }) {
  return { global: record.role === 'none' ? null : record.role, grants: record.grants ?? [] };
}

/**
 * For pages: redirects to /signin when signed out, renders the 403 page when the role is too low.
 * `global`: the page is about the whole console (users and tokens), so a role held through a grant
 * does not count (README › Team scopes).
 */
export async function requirePageRole(required: Role, callbackPath = '/', options: { global?: boolean } = {}): Promise<Principal> {
  const principal = await currentSessionPrincipal();
  if (!principal) redirect(`/signin?callbackUrl=${encodeURIComponent(callbackPath)}`);
  const role = options.global ? (principal.access ? principal.access.global : principal.role) : principal.role;
  if (!role || !hasRole(role, required)) forbidden();
  return principal;
}
