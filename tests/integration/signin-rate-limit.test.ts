import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRedis, type TestRedis } from '../helpers/redis';
import { configureRedisUrl } from '../helpers/console-env';
import { SIGNIN_WINDOW_MS, acquireSigninSlot, checkSigninAllowed, clearAccountFailures, rateLimitMessage, recordSigninFailure } from '@/lib/auth/signin-rate-limit';
import { closeAllConnections } from '@/lib/redis/connections';

let redis: TestRedis;
beforeAll(async () => {
  redis = await startTestRedis();
  await configureRedisUrl(redis.url);
});
afterAll(async () => {
  await closeAllConnections();
  await redis.stop();
});

describe('sign-in rate limit', () => {
  it('blocks an IP after 10 failures within 15 minutes, for any account', async () => {
    const t0 = Date.now();
    for (let i = 0; i < 9; i++) await recordSigninFailure('10.0.0.1', `user${i}@x`, t0 + i);
    expect(await checkSigninAllowed('10.0.0.1', 'fresh@x', t0 + 10)).toEqual({ allowed: true });
    await recordSigninFailure('10.0.0.1', 'user9@x', t0 + 10);
    const blocked = await checkSigninAllowed('10.0.0.1', 'fresh@x', t0 + 20);
    expect(blocked).toMatchObject({ allowed: false, scope: 'ip' });
    if (!blocked.allowed) expect(blocked.retryAfterSeconds).toBe(Math.ceil((SIGNIN_WINDOW_MS - 20) / 1000));
    // Another address is unaffected.
    expect(await checkSigninAllowed('10.0.0.2', 'fresh@x', t0 + 20)).toEqual({ allowed: true });
    // The window slides: once the oldest failures age out, sign-in is allowed again.
    expect(await checkSigninAllowed('10.0.0.1', 'fresh@x', t0 + SIGNIN_WINDOW_MS + 5)).toEqual({ allowed: true });
  });

  it('blocks an account after 10 failures from many IPs, until a success clears it', async () => {
    const t0 = Date.now();
    for (let i = 0; i < 10; i++) await recordSigninFailure(`192.168.0.${i}`, 'target@x', t0 + i);
    expect(await checkSigninAllowed('172.16.0.1', 'target@x', t0 + 50)).toMatchObject({ allowed: false, scope: 'account' });
    await clearAccountFailures('target@x');
    expect(await checkSigninAllowed('172.16.0.1', 'target@x', t0 + 60)).toEqual({ allowed: true });
  });

  it('says when to try again in plain words', () => {
    expect(rateLimitMessage(30)).toBe('Too many failed sign-in attempts. Try again in 1 minute.');
    expect(rateLimitMessage(600)).toBe('Too many failed sign-in attempts. Try again in 10 minutes.');
  });

  it('checks one sign-in per account at a time, so concurrent guesses cannot outrun the limit', async () => {
    const first = await acquireSigninSlot('busy@x');
    expect(first).toBeTypeOf('function');
    expect(await acquireSigninSlot('busy@x')).toBeNull();
    // Other accounts are not held up.
    const other = await acquireSigninSlot('idle@x');
    expect(other).toBeTypeOf('function');
    const ttl = await redis.client().pttl('drover:{console}:signin-in-flight:busy@x');
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(10_000);
    await first!();
    const again = await acquireSigninSlot('busy@x');
    expect(again).toBeTypeOf('function');
    // A stale release (its hold expired and another attempt took the slot) leaves the new hold alone.
    await redis.client().set('drover:{console}:signin-in-flight:idle@x', 'someone-else');
    await other!();
    expect(await redis.client().get('drover:{console}:signin-in-flight:idle@x')).toBe('someone-else');
    await again!();
  });

  it('keys expire on their own', async () => {
    await recordSigninFailure('10.1.1.1', 'exp@x');
    const ttl = await redis.client().pttl('drover:{console}:signin-failures:ip:10.1.1.1');
    expect(ttl).toBeGreaterThan(SIGNIN_WINDOW_MS - 5000);
    expect(ttl).toBeLessThanOrEqual(SIGNIN_WINDOW_MS);
  });
});
