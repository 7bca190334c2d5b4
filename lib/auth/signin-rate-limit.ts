// Sign-in brute-force limit: 10 failures per 15 minutes per client IP and per account (sliding window).
import 'server-only';
import { getConsoleConnection } from '@/lib/redis/connections';
import { KEYS } from '@/lib/keys';
import { withMetricsScripts } from '@/lib/metrics/scripts';

export const SIGNIN_MAX_FAILURES = 10;
export const SIGNIN_WINDOW_MS = 15 * 60 * 1000;

export type SigninLimit = { allowed: true } | { allowed: false; retryAfterSeconds: number; scope: 'ip' | 'account' };

function keysFor(ip: string, email: string | undefined): Array<{ key: string; scope: 'ip' | 'account' }> {
  const keys: Array<{ key: string; scope: 'ip' | 'account' }> = [{ key: KEYS.signinFailuresByIp(ip), scope: 'ip' }];
  if (email) keys.push({ key: KEYS.signinFailuresByAccount(email), scope: 'account' });
  return keys;
}

export async function checkSigninAllowed(ip: string, email: string | undefined, now = Date.now()): Promise<SigninLimit> {
  const redis = getConsoleConnection().redis;
  const keys = keysFor(ip, email);
  const pipeline = redis.pipeline();
  for (const { key } of keys) {
    pipeline.zremrangebyscore(key, 0, now - SIGNIN_WINDOW_MS);
    pipeline.zrange(key, '0', String(-SIGNIN_MAX_FAILURES), 'WITHSCORES');
  }
  const results = await pipeline.exec();
  let worst: SigninLimit = { allowed: true };
  keys.forEach(({ scope }, i) => {
    const oldest = (results?.[i * 2 + 1]?.[1] as string[] | undefined) ?? [];
    // zrange 0..-10 returns entries only when there are ≥ 10; the first is the oldest failure in the window.
    if (oldest.length >= 2) {
      const retryAfterSeconds = Math.max(1, Math.ceil((Number(oldest[1]) + SIGNIN_WINDOW_MS - now) / 1000));
      if (worst.allowed || retryAfterSeconds > worst.retryAfterSeconds) worst = { allowed: false, retryAfterSeconds, scope };
    }
  });
  return worst;
}

export async function recordSigninFailure(ip: string, email: string | undefined, now = Date.now()): Promise<void> {
  const redis = getConsoleConnection().redis;
  const pipeline = redis.pipeline();
  for (const { key } of keysFor(ip, email)) {
    pipeline.zadd(key, now, `${now}:${Math.random().toString(36).slice(2)}`);
    pipeline.zremrangebyscore(key, 0, now - SIGNIN_WINDOW_MS);
    pipeline.pexpire(key, SIGNIN_WINDOW_MS);
  }
  await pipeline.exec();
}

/** A successful sign-in clears the account's failures (the IP's stay: they may be guessing other accounts). */
export async function clearAccountFailures(email: string): Promise<void> {
  await getConsoleConnection().redis.del(KEYS.signinFailuresByAccount(email));
}

/**
 * One credentials check per account at a time: without it, N concurrent guesses would all pass the
 * limit before the first failure is recorded. Returns a release function, or null when one is running.
 */
export async function acquireSigninSlot(email: string): Promise<(() => Promise<void>) | null> {
  const redis = getConsoleConnection().redis;
  const key = KEYS.signinInFlight(email);
  const token = `${Date.now()}:${Math.random()}`;
  const ok = await redis.set(key, token, 'PX', 10_000, 'NX');
  if (!ok) return null;
  return async () => {
    // Release only our own hold (it may have expired and been taken by another attempt), atomically.
    await withMetricsScripts(redis).droverReleaseLock(key, token);
  };
}

export function rateLimitMessage(retryAfterSeconds: number): string {
  const minutes = Math.ceil(retryAfterSeconds / 60);
  return `Too many failed sign-in attempts. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`;
}

/** The client address: the last X-Forwarded-For hop (what our own proxy, or Next itself, saw). */
export function clientIp(headers: Headers | Record<string, string | string[] | undefined>): string {
  const get = (name: string): string | undefined => {
    if (headers instanceof Headers) return headers.get(name) ?? undefined;
    const v = headers[name];
    return Array.isArray(v) ? v.join(',') : v;
  };
  const forwarded = get('x-forwarded-for');
  const hops = forwarded?.split(',').map((s) => s.trim()).filter(Boolean) ?? [];
  return (hops.at(-1) ?? get('x-real-ip') ?? 'unknown').slice(0, 64);
}
