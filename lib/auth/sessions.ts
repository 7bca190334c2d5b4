// Server-side session ids: every sign-in puts a random sid in its JWT and registers it under the user
// in Redis. The guard accepts a session only while its sid is registered, so signing out, "sign out
// everywhere", a password reset, a role change or removing the user ends sessions at once, even for
// a copied cookie whose JWT is still valid; a user changing their own password ends all but the
// session they changed it from.
import 'server-only';
import { randomBytes } from 'node:crypto';
import type { ChainableCommander } from 'ioredis';
import { getConsoleConnection } from '@/lib/redis/connections';
import { KEYS } from '@/lib/keys';
import { withLuaScripts } from '@/lib/redis/lua-scripts';
import { keepOnlySessionScript } from './lua/keep-only-session-1';

/** Live sessions kept per user; signing in once more drops the oldest. */
export const MAX_SESSIONS_PER_USER = 50;

function redis() {
  return getConsoleConnection().redis;
}

export function newSessionId(): string {
  return randomBytes(18).toString('base64url');
}

/** Registers a session that ends after maxAgeMs (the JWT's own lifetime). */
export async function registerSession(email: string, sid: string, maxAgeMs: number, now = Date.now()): Promise<void> {
  const key = KEYS.userSessions(email);
  await redis()
    .multi()
    .zremrangebyscore(key, '-inf', now)
    .zadd(key, now + maxAgeMs, sid)
    // Every session lives as long: the lowest expiry is the oldest sign-in. Keep the newest 50.
    .zremrangebyrank(key, 0, -(MAX_SESSIONS_PER_USER + 1))
    .pexpire(key, maxAgeMs)
    .exec();
}

/** True while the session is registered and not past its expiry. */
export async function isSessionLive(email: string, sid: string | undefined, now = Date.now()): Promise<boolean> {
  if (!sid) return false;
  const expires = await redis().zscore(KEYS.userSessions(email), sid);
  return expires !== null && Number(expires) > now;
}

export async function revokeSession(email: string, sid: string): Promise<void> {
  await redis().zrem(KEYS.userSessions(email), sid);
}

export async function revokeAllSessions(email: string): Promise<void> {
  await redis().del(KEYS.userSessions(email));
}

/** Adds "end every session of this user" to a MULTI that changes the user, so both happen together. */
export function revokeAllSessionsIn(multi: ChainableCommander, email: string): ChainableCommander {
  return multi.del(KEYS.userSessions(email));
}

/** Ends every session of the user except `keepSid` (which keeps its expiry); returns how many ended. */
export async function revokeOtherSessions(email: string, keepSid: string | undefined): Promise<number> {
  return withLuaScripts(redis(), [keepOnlySessionScript]).droverKeepOnlySession(KEYS.userSessions(email), keepSid ?? '');
}

/**
 * Adds "end every session of this user but `keepSid`" to a MULTI that changes the user. The MULTI must
 * come from a client that has the script: `withLuaScripts(client, [keepOnlySessionScript]).multi()`.
 */
export function revokeOtherSessionsIn(multi: ChainableCommander, email: string, keepSid: string | undefined): ChainableCommander {
  return multi.droverKeepOnlySession(KEYS.userSessions(email), keepSid ?? '');
}

export async function countSessions(email: string, now = Date.now()): Promise<number> {
  return redis().zcount(KEYS.userSessions(email), `(${now}`, '+inf');
}
