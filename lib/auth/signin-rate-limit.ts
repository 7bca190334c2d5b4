// Sign-in brute-force limit: 10 failures per 15 minutes per client address and per account (sliding
// window). Every attempt reserves a failure slot in both windows BEFORE its password is checked (one
// Lua script), and gives it back on success: a burst of parallel guesses cannot pass the limit, and
// once an account is locked even the right password waits for the window.
import 'server-only';
import { randomBytes } from 'node:crypto';
import { getConsoleConnection } from '@/lib/redis/connections';
import { KEYS } from '@/lib/keys';
import { withLuaScripts } from '@/lib/redis/lua-scripts';
import { reserveSigninScript } from './lua/reserve-signin-n';
import { addressBucket } from './client-address';

export const SIGNIN_MAX_FAILURES = 10;
export const SIGNIN_WINDOW_MS = 15 * 60 * 1000;

type Scope = 'ip' | 'account';

/** A reserved attempt: settle it once the credentials were checked (or were never checked). */
export type SigninReservation = { member: string; keys: Array<{ key: string; scope: Scope }>; email?: string };

export type SigninAttempt =
  | { allowed: true; reservation: SigninReservation }
  | { allowed: false; retryAfterSeconds: number; scope: Scope };

function keysFor(ip: string | null, email: string | undefined): Array<{ key: string; scope: Scope }> {
  const keys: Array<{ key: string; scope: Scope }> = [];
  // No address (console run without Drover's server and without trusted proxies): no per-address
  // window at all rather than one shared "unknown" window that anyone could fill for everyone.
  if (ip) keys.push({ key: KEYS.signinFailuresByIp(addressBucket(ip)), scope: 'ip' });
  if (email) keys.push({ key: KEYS.signinFailuresByAccount(email), scope: 'account' });
  return keys;
}

function redis() {
  return withLuaScripts(getConsoleConnection().redis, [reserveSigninScript]);
}

/** Reserves one failure in the address's and the account's windows, or says how long to wait. */
export async function reserveSigninAttempt(ip: string | null, email: string | undefined, now = Date.now()): Promise<SigninAttempt> {
  const keys = keysFor(ip, email);
  const member = `${now}:${randomBytes(6).toString('base64url')}`;
  const reservation: SigninReservation = { member, keys, email };
  if (keys.length === 0) return { allowed: true, reservation };
  const [ok, index, waitMs] = await redis().droverReserveSignin(keys.length, ...keys.map((k) => k.key), now, SIGNIN_WINDOW_MS, SIGNIN_MAX_FAILURES, member);
  if (ok === 1) return { allowed: true, reservation };
  return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(Number(waitMs) / 1000)), scope: keys[Number(index) - 1].scope };
}

/**
 * success: the attempt is no failure, and the account's failures are cleared (the address's stay:
 * it may be guessing other accounts). failure: the reserved slot stays as the failure. void: the
 * password was never checked (bad CSRF token, refused input): the slot is given back.
 */
export async function settleSigninAttempt(reservation: SigninReservation, outcome: 'success' | 'failure' | 'void'): Promise<void> {
  if (outcome === 'failure' || reservation.keys.length === 0) return;
  const multi = getConsoleConnection().redis.multi();
  for (const { key, scope } of reservation.keys) {
    if (outcome === 'success' && scope === 'account') multi.del(key);
    else multi.zrem(key, reservation.member);
  }
  await multi.exec();
}

export function rateLimitMessage(retryAfterSeconds: number): string {
  const minutes = Math.ceil(retryAfterSeconds / 60);
  return `Too many failed sign-in attempts. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`;
}
