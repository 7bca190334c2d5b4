import { describe, expect, it } from 'vitest';
import { redisForThisFile } from '../helpers/console-env';
import { SIGNIN_MAX_FAILURES, SIGNIN_WINDOW_MS, rateLimitMessage, reserveSigninAttempt, settleSigninAttempt } from '@/lib/auth/signin-rate-limit';

const redis = redisForThisFile();

/** A wrong password: reserve, then leave the slot as the failure. */
async function fail(ip: string | null, email: string | undefined, now: number) {
  const attempt = await reserveSigninAttempt(ip, email, now);
  expect(attempt.allowed).toBe(true);
  if (attempt.allowed) await settleSigninAttempt(attempt.reservation, 'failure');
}

describe('sign-in rate limit', () => {
  it('blocks an address after 10 failures within 15 minutes, for any account', async () => {
    const t0 = Date.now();
    for (let i = 0; i < 9; i++) await fail('10.0.0.1', `user${i}@x`, t0 + i);
    const tenth = await reserveSigninAttempt('10.0.0.1', 'fresh@x', t0 + 10);
    expect(tenth.allowed).toBe(true);
    if (tenth.allowed) await settleSigninAttempt(tenth.reservation, 'failure');
    const blocked = await reserveSigninAttempt('10.0.0.1', 'fresh@x', t0 + 20);
    expect(blocked).toMatchObject({ allowed: false, scope: 'ip' });
    if (!blocked.allowed) expect(blocked.retryAfterSeconds).toBe(Math.ceil((SIGNIN_WINDOW_MS - 20) / 1000));
    // Another address is unaffected.
    expect((await reserveSigninAttempt('10.0.0.2', 'other@x', t0 + 20)).allowed).toBe(true);
    // The window slides: once the oldest failures age out, sign-in is allowed again.
    expect((await reserveSigninAttempt('10.0.0.1', 'later@x', t0 + SIGNIN_WINDOW_MS + 5)).allowed).toBe(true);
  });

  it('blocks an account after 10 failures from many addresses, even for the right password, until the window passes', async () => {
    const t0 = Date.now();
    for (let i = 0; i < 10; i++) await fail(`192.168.0.${i}`, 'target@x', t0 + i);
    expect(await reserveSigninAttempt('172.16.0.1', 'target@x', t0 + 50)).toMatchObject({ allowed: false, scope: 'account' });
    expect((await reserveSigninAttempt('172.16.0.1', 'target@x', t0 + SIGNIN_WINDOW_MS + 10)).allowed).toBe(true);
  });

  it('a success clears the account’s failures and leaves no failure of its own on the address', async () => {
    const t0 = Date.now();
    for (let i = 0; i < 9; i++) await fail('10.5.0.1', 'almost@x', t0 + i);
    const right = await reserveSigninAttempt('10.5.0.1', 'almost@x', t0 + 20);
    expect(right.allowed).toBe(true);
    if (right.allowed) await settleSigninAttempt(right.reservation, 'success');
    expect(await redis.client().exists('drover:{console}:signin-failures:account:almost@x')).toBe(0);
    expect(await redis.client().zcard('drover:{console}:signin-failures:ip:10.5.0.1')).toBe(9);
  });

  it('an attempt whose password was never checked gives its slot back', async () => {
    const attempt = await reserveSigninAttempt('10.6.0.1', 'unchecked@x');
    expect(await redis.client().zcard('drover:{console}:signin-failures:account:unchecked@x')).toBe(1);
    if (attempt.allowed) await settleSigninAttempt(attempt.reservation, 'void');
    expect(await redis.client().zcard('drover:{console}:signin-failures:account:unchecked@x')).toBe(0);
    expect(await redis.client().zcard('drover:{console}:signin-failures:ip:10.6.0.1')).toBe(0);
  });

  it('50 concurrent attempts on one account: exactly 10 are let through to a password check', async () => {
    const attempts = await Promise.all(Array.from({ length: 50 }, (_, i) => reserveSigninAttempt(`10.7.${i}.1`, 'burst@x')));
    expect(attempts.filter((a) => a.allowed)).toHaveLength(SIGNIN_MAX_FAILURES);
    expect(attempts.filter((a) => !a.allowed && a.scope === 'account')).toHaveLength(40);
    // Redis holds at most the limit per window, whatever the burst.
    expect(await redis.client().zcard('drover:{console}:signin-failures:account:burst@x')).toBe(SIGNIN_MAX_FAILURES);
  });

  it('counts IPv6 clients by their /64, and an unknown address in no shared window', async () => {
    const t0 = Date.now();
    for (let i = 0; i < 10; i++) await fail(`2001:db8:aa:bb::${i + 1}`, `v6-${i}@x`, t0 + i);
    expect(await reserveSigninAttempt('2001:db8:aa:bb:ffff::1', 'v6-new@x', t0 + 20)).toMatchObject({ allowed: false, scope: 'ip' });
    expect((await reserveSigninAttempt('2001:db8:aa:cc::1', 'v6-new@x', t0 + 20)).allowed).toBe(true);
    // No address known (console without Drover's server): only the account is charged.
    for (let i = 0; i < 20; i++) await fail(null, `nowhere-${i}@x`, t0 + i);
    expect((await reserveSigninAttempt(null, 'nowhere-new@x', t0 + 30)).allowed).toBe(true);
    expect(await redis.client().exists('drover:{console}:signin-failures:ip:unknown')).toBe(0);
  });

  it('says when to try again in plain words', () => {
    expect(rateLimitMessage(30)).toBe('Too many failed sign-in attempts. Try again in 1 minute.');
    expect(rateLimitMessage(600)).toBe('Too many failed sign-in attempts. Try again in 10 minutes.');
  });

  it('keys expire on their own', async () => {
    await fail('10.1.1.1', 'exp@x', Date.now());
    const ttl = await redis.client().pttl('drover:{console}:signin-failures:ip:10.1.1.1');
    expect(ttl).toBeGreaterThan(SIGNIN_WINDOW_MS - 5000);
    expect(ttl).toBeLessThanOrEqual(SIGNIN_WINDOW_MS);
  });
});
