// Server-side session ids: every sign-in puts a random sid in its JWT and registers it under the user
// in the console store (lib/store/console/sessions.ts). The guard accepts a session only while its sid
// is registered, so signing out, "sign out everywhere", a password reset, a role change or removing
// the user ends sessions at once, even for a copied cookie whose JWT is still valid; a user changing
// their own password ends all but the session they changed it from.
import 'server-only';
import { randomBytes } from 'node:crypto';
import { sessionsStore } from '@/lib/store/console/sessions';

/** Live sessions kept per user; signing in once more drops the oldest. */
export const MAX_SESSIONS_PER_USER = 50;

export function newSessionId(): string {
  return randomBytes(18).toString('base64url');
}

/** Registers a session that ends after maxAgeMs (the JWT's own lifetime). */
export async function registerSession(email: string, sid: string, maxAgeMs: number, now = Date.now()): Promise<void> {
  await sessionsStore().register(email, sid, now + maxAgeMs, now, MAX_SESSIONS_PER_USER);
}

/** True while the session is registered and not past its expiry. */
export async function isSessionLive(email: string, sid: string | undefined, now = Date.now()): Promise<boolean> {
  if (!sid) return false;
  return sessionsStore().isLive(email, sid, now);
}

export async function revokeSession(email: string, sid: string): Promise<void> {
  await sessionsStore().revoke(email, sid);
}

export async function revokeAllSessions(email: string): Promise<void> {
  await sessionsStore().revokeAll(email);
}

/** Ends every session of the user except `keepSid` (which keeps its expiry); returns how many ended. */
export async function revokeOtherSessions(email: string, keepSid: string | undefined): Promise<number> {
  return sessionsStore().revokeOthers(email, keepSid);
}

export async function countSessions(email: string, now = Date.now()): Promise<number> {
  return sessionsStore().count(email, now);
}
