import { beforeEach, describe, expect, it } from 'vitest';
import { consoleForThisFile } from '../helpers/console-store';
import { STORE_KINDS } from '../helpers/stores';
import { authPeek } from '../helpers/auth-peek';
import { SIGNIN_MAX_FAILURES, SIGNIN_WINDOW_MS, rateLimitMessage, reserveSigninAttempt, settleSigninAttempt } from '@/lib/auth/signin-rate-limit';
import { STALE_SIGNIN_ROWS_PRUNED_PER_RESERVE } from '@/lib/store/postgres/console/signin-limits';

/** A wrong password: reserve, then leave the slot as the failure. */
async function fail(ip: string | null, email: string | undefined, now: number) {
  const attempt = await reserveSigninAttempt(ip, email, now);
  expect(attempt.allowed).toBe(true);
  if (attempt.allowed) await settleSigninAttempt(attempt.reservation, 'failure');
}

describe.each(STORE_KINDS)('sign-in rate limit on %s', (kind) => {
  const c = consoleForThisFile(kind);
  const peek = authPeek(c);

  beforeEach(async () => {
    await c.reset();
  });

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
    expect(await peek.windowSize('account', 'almost@x')).toBe(0);
    expect(await peek.windowSize('ip', '10.5.0.1')).toBe(9);
  });

  it('an attempt whose password was never checked gives its slot back', async () => {
    const attempt = await reserveSigninAttempt('10.6.0.1', 'unchecked@x');
    expect(await peek.windowSize('account', 'unchecked@x')).toBe(1);
    if (attempt.allowed) await settleSigninAttempt(attempt.reservation, 'void');
    expect(await peek.windowSize('account', 'unchecked@x')).toBe(0);
    expect(await peek.windowSize('ip', '10.6.0.1')).toBe(0);
  });

  it('50 concurrent attempts on one account: exactly 10 are let through to a password check', async () => {
    const attempts = await Promise.all(Array.from({ length: 50 }, (_, i) => reserveSigninAttempt(`10.7.${i}.1`, 'burst@x')));
    expect(attempts.filter((a) => a.allowed)).toHaveLength(SIGNIN_MAX_FAILURES);
    expect(attempts.filter((a) => !a.allowed && a.scope === 'account')).toHaveLength(40);
    // The store holds at most the limit per window, whatever the burst.
    expect(await peek.windowSize('account', 'burst@x')).toBe(SIGNIN_MAX_FAILURES);
  });

  it('counts IPv6 clients by their /64, and an unknown address in no shared window', async () => {
    const t0 = Date.now();
    for (let i = 0; i < 10; i++) await fail(`2001:db8:aa:bb::${i + 1}`, `v6-${i}@x`, t0 + i);
    expect(await reserveSigninAttempt('2001:db8:aa:bb:ffff::1', 'v6-new@x', t0 + 20)).toMatchObject({ allowed: false, scope: 'ip' });
    expect((await reserveSigninAttempt('2001:db8:aa:cc::1', 'v6-new@x', t0 + 20)).allowed).toBe(true);
    // No address known (console without Drover's server): only the account is charged.
    for (let i = 0; i < 20; i++) await fail(null, `nowhere-${i}@x`, t0 + i);
    expect((await reserveSigninAttempt(null, 'nowhere-new@x', t0 + 30)).allowed).toBe(true);
    expect(await peek.windowSize('ip', 'unknown')).toBe(0);
  });

  it('says when to try again in plain words', () => {
    expect(rateLimitMessage(30)).toBe('Too many failed sign-in attempts. Try again in 1 minute.');
    expect(rateLimitMessage(600)).toBe('Too many failed sign-in attempts. Try again in 10 minutes.');
  });

  it('windows empty on their own once the window has passed', async () => {
    await fail('10.1.1.1', 'exp@x', Date.now());
    const ttl = await peek.windowTtl('ip', '10.1.1.1', SIGNIN_WINDOW_MS);
    expect(ttl).toBeGreaterThan(SIGNIN_WINDOW_MS - 5000);
    expect(ttl).toBeLessThanOrEqual(SIGNIN_WINDOW_MS);
  });

  it('a reservation refused by one window charges none of the others', async () => {
    const t0 = Date.now();
    for (let i = 0; i < 10; i++) await fail('10.50.0.1', `acc-${i}@x`, t0 + i);
    expect(await reserveSigninAttempt('10.50.0.1', 'innocent@x', t0 + 20)).toMatchObject({ allowed: false, scope: 'ip' });
    expect(await peek.windowSize('account', 'innocent@x')).toBe(0);
  });

  if (kind === 'postgres') {
    describe('PostgreSQL: transactions under the windows’ advisory locks', () => {
      it('30 parallel reservations from one address on different accounts: exactly 10 allowed, 10 rows kept', async () => {
        const attempts = await Promise.all(Array.from({ length: 30 }, (_, i) => reserveSigninAttempt('10.30.0.1', `parallel-${i}@x`)));
        expect(attempts.filter((a) => a.allowed)).toHaveLength(SIGNIN_MAX_FAILURES);
        expect(attempts.filter((a) => !a.allowed && a.scope === 'ip')).toHaveLength(20);
        expect(await peek.windowSize('ip', '10.30.0.1')).toBe(SIGNIN_MAX_FAILURES);
        // The refused ones charged nothing: each allowed account holds its one attempt, the others none.
        const perAccount = await Promise.all(Array.from({ length: 30 }, (_, i) => peek.windowSize('account', `parallel-${i}@x`)));
        expect(perAccount.reduce((a, b) => a + b, 0)).toBe(SIGNIN_MAX_FAILURES);
      });

      it('parallel attempts charging crossing windows (address × account) never deadlock and never pass either limit', async () => {
        const ips = ['10.31.0.1', '10.31.0.2', '10.31.0.3'];
        const accounts = ['a@x', 'b@x', 'c@x'];
        const attempts = await Promise.all(Array.from({ length: 45 }, (_, i) => reserveSigninAttempt(ips[i % 3], accounts[Math.floor(i / 3) % 3])));
        expect(attempts.filter((a) => a.allowed).length).toBeLessThanOrEqual(3 * SIGNIN_MAX_FAILURES);
        for (const ip of ips) expect(await peek.windowSize('ip', ip)).toBeLessThanOrEqual(SIGNIN_MAX_FAILURES);
        for (const account of accounts) expect(await peek.windowSize('account', account)).toBeLessThanOrEqual(SIGNIN_MAX_FAILURES);
        const charged = (await Promise.all(accounts.map((a) => peek.windowSize('account', a)))).reduce((a, b) => a + b, 0);
        expect(charged).toBe(attempts.filter((a) => a.allowed).length);
      });

      it(`stale rows of addresses that never come back are deleted by later reservations, ${STALE_SIGNIN_ROWS_PRUNED_PER_RESERVE} at most per reservation`, async () => {
        const longAgo = Date.now() - 2 * SIGNIN_WINDOW_MS;
        // 150 one-off addresses, each charged once, long ago: 300 stale rows (address + account).
        for (let i = 0; i < 150; i++) await fail(`10.40.${Math.floor(i / 200)}.${i % 200}`, `gone-${i}@x`, longAgo + i);
        const rows = async () => (await c.pool().query('SELECT count(*)::int AS n FROM drover.signin_failure')).rows[0].n as number;
        expect(await rows()).toBe(300);
        await fail('10.41.0.1', 'today@x', Date.now());
        expect(await rows()).toBe(300 + 2 - STALE_SIGNIN_ROWS_PRUNED_PER_RESERVE);
        await fail('10.41.0.2', 'today-2@x', Date.now());
        await fail('10.41.0.3', 'today-3@x', Date.now());
        // Only today's rows are left, and the windows they belong to still count.
        expect(await rows()).toBe(6);
        expect(await peek.windowSize('ip', '10.41.0.1')).toBe(1);
      });

    });
  }
});
