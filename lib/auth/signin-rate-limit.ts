// Sign-in brute-force limit: 10 failures per 15 minutes per client address and per account (sliding
// window). Every attempt reserves a failure slot in both windows BEFORE its password is checked (one
// atomic step of the console store, lib/store/console/signin-limits.ts), and gives it back on success:
// a burst of parallel guesses cannot pass the limit, and once an account is locked even the right
// password waits for the window.
import 'server-only';
import { randomBytes } from 'node:crypto';
import { signinLimitsStore, type SigninWindow } from '@/lib/store/console/signin-limits';
import { addressBucket } from './client-address';

export const SIGNIN_MAX_FAILURES = 10;
export const SIGNIN_WINDOW_MS = 15 * 60 * 1000;

type Scope = SigninWindow['scope'];

/** A reserved attempt: settle it once the credentials were checked (or were never checked). */
export type SigninReservation = { member: string; windows: SigninWindow[]; email?: string };

export type SigninAttempt =
  | { allowed: true; reservation: SigninReservation }
  | { allowed: false; retryAfterSeconds: number; scope: Scope };

function windowsFor(ip: string | null, email: string | undefined): SigninWindow[] {
  const windows: SigninWindow[] = [];
  // No address (console run without Drover's server and without trusted proxies): no per-address
  // window at all rather than one shared "unknown" window that anyone could fill for everyone.
  if (ip) windows.push({ scope: 'ip', id: addressBucket(ip) });
  if (email) windows.push({ scope: 'account', id: email });
  return windows;
}

/** Reserves one failure in the address's and the account's windows, or says how long to wait. */
export async function reserveSigninAttempt(ip: string | null, email: string | undefined, now = Date.now()): Promise<SigninAttempt> {
  const windows = windowsFor(ip, email);
  const member = `${now}:${randomBytes(6).toString('base64url')}`;
  const reservation: SigninReservation = { member, windows, email };
  if (windows.length === 0) return { allowed: true, reservation };
  const reserved = await signinLimitsStore().reserve({ windows, member, now, windowMs: SIGNIN_WINDOW_MS, limit: SIGNIN_MAX_FAILURES });
  if (reserved.ok) return { allowed: true, reservation };
  return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(reserved.waitMs / 1000)), scope: windows[reserved.index].scope };
}

/**
 * success: the attempt is no failure, and the account's failures are cleared (the address's stay:
 * it may be guessing other accounts). failure: the reserved slot stays as the failure. void: the
 * password was never checked (bad CSRF token, refused input): the slot is given back.
 */
export async function settleSigninAttempt(reservation: SigninReservation, outcome: 'success' | 'failure' | 'void'): Promise<void> {
  if (outcome === 'failure' || reservation.windows.length === 0) return;
  const clears = (w: SigninWindow) => outcome === 'success' && w.scope === 'account';
  await signinLimitsStore().release(
    reservation.member,
    reservation.windows.filter((w) => !clears(w)),
    reservation.windows.filter(clears),
  );
}

export function rateLimitMessage(retryAfterSeconds: number): string {
  const minutes = Math.ceil(retryAfterSeconds / 60);
  return `Too many failed sign-in attempts. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`;
}
