// A signed-in user changing their own password: checked like a sign-in, limited like a sign-in, other
// sessions ended and this one kept, audited without the passwords. An admin's reset still ends them all.
import { beforeEach, describe, expect, it } from 'vitest';
import { consoleForThisFile } from '../helpers/console-store';
import { STORE_KINDS } from '../helpers/stores';
import { auditLog, authPeek } from '../helpers/auth-peek';
import { createUser, setOwnPassword, upsertOidcUser, verifyCredentials } from '@/lib/auth/users';
import { isSessionLive, registerSession, revokeOtherSessions } from '@/lib/auth/sessions';
import { SIGNIN_MAX_FAILURES, reserveSigninAttempt } from '@/lib/auth/signin-rate-limit';
import { issueApiToken } from '@/lib/users/issue-api-token';
import { changeOwnPassword } from '@/lib/users/change-own-password';
import { updateUser } from '@/lib/users/update-user';
import { changeOwnPasswordInput } from '@/lib/users/schemas';
import * as passwordRoute from '@/app/api/v1/me/password/route';
import type { AuditContext } from '@/lib/audit/audited';
import type { Role } from '@/lib/auth/roles';

const DAY = 24 * 60 * 60 * 1000;
const OLD = 'the old password';
const NEW = 'a brand new password';

/** The signed-in user `email` acting from session `sid`, as the guard resolves them. */
function signedIn(email: string, sid: string, role: Role = 'viewer'): AuditContext {
  return { actor: { kind: 'session', id: email, name: email, role, sessionId: sid }, via: 'ui' };
}

describe.each(STORE_KINDS)('on %s', (kind) => {
  const c = consoleForThisFile(kind);
  const peek = authPeek(c);

  async function auditEntries(action: string) {
    return (await auditLog(action)).filter((e) => e.action === action);
  }

  const accountFailures = (email: string) => peek.windowSize('account', email);

  beforeEach(async () => {
    await c.reset();
  });

  describe('changing your own password', () => {
    it('sets the new password, ends the user’s other sessions and keeps the one it was changed from', async () => {
      await createUser({ email: 'me@x', password: OLD, role: 'viewer' });
      const registered = Date.now();
      for (const sid of ['here', 'laptop', 'phone']) await registerSession('me@x', sid, DAY);
      await registerSession('someone@x', 'theirs', DAY);

      expect(await changeOwnPassword(signedIn('me@x', 'here'), { currentPassword: OLD, newPassword: NEW })).toEqual({ otherSessionsEnded: 2 });

      expect(await verifyCredentials('me@x', OLD)).toBeNull();
      expect((await verifyCredentials('me@x', NEW))?.email).toBe('me@x');
      expect(await isSessionLive('me@x', 'here')).toBe(true);
      expect(await isSessionLive('me@x', 'laptop')).toBe(false);
      expect(await isSessionLive('me@x', 'phone')).toBe(false);
      expect(await isSessionLive('someone@x', 'theirs')).toBe(true);
      // The kept session's registry still expires on its own, with that session.
      const ttl = await peek.sessionsTtl('me@x');
      // Not a fixed margin: on a loaded machine the password hashing above takes seconds.
      expect(ttl).toBeGreaterThanOrEqual(DAY - (Date.now() - registered) - 1000);
      expect(ttl).toBeLessThanOrEqual(DAY);
    });

    it('refuses a wrong current password, changes nothing, and counts it as a failed sign-in of the account', async () => {
      await createUser({ email: 'me@x', password: OLD, role: 'operator' });
      await registerSession('me@x', 'here', DAY);
      await registerSession('me@x', 'elsewhere', DAY);

      const wrong = changeOwnPassword(signedIn('me@x', 'here', 'operator'), { currentPassword: 'not my password', newPassword: NEW });
      await expect(wrong).rejects.toMatchObject({ status: 400, message: 'Current password is wrong', fieldErrors: { currentPassword: ['Current password is wrong'] } });

      expect((await verifyCredentials('me@x', OLD))?.email).toBe('me@x');
      expect(await verifyCredentials('me@x', NEW)).toBeNull();
      expect(await isSessionLive('me@x', 'elsewhere')).toBe(true);
      expect(await accountFailures('me@x')).toBe(1);

      // The right one clears the account's failures, as a successful sign-in does.
      await changeOwnPassword(signedIn('me@x', 'here', 'operator'), { currentPassword: OLD, newPassword: NEW });
      expect(await accountFailures('me@x')).toBe(0);
    });

    it(`after ${SIGNIN_MAX_FAILURES} wrong current passwords the account is limited, here and on the sign-in form, even for the right one`, async () => {
      await createUser({ email: 'victim@x', password: OLD, role: 'admin' });
      await registerSession('victim@x', 'stolen', DAY);
      const thief = signedIn('victim@x', 'stolen', 'admin');
      for (let i = 0; i < SIGNIN_MAX_FAILURES; i++) {
        await expect(changeOwnPassword(thief, { currentPassword: `guess number ${i}`, newPassword: NEW })).rejects.toMatchObject({ status: 400 });
      }
      expect(await accountFailures('victim@x')).toBe(SIGNIN_MAX_FAILURES);

      const limited = changeOwnPassword(thief, { currentPassword: OLD, newPassword: NEW });
      await expect(limited).rejects.toMatchObject({ status: 429, code: 'rate_limited', message: 'Too many failed sign-in attempts. Try again in 15 minutes.' });
      await expect(limited).rejects.toHaveProperty('retryAfterSeconds', expect.any(Number));
      expect(await verifyCredentials('victim@x', NEW)).toBeNull();
      // Refusals of one actor aggregate: one entry for the wrong guesses, one for the limited call.
      expect((await auditEntries('me.password')).map((e) => e.outcome)).toEqual(['invalid', 'denied']);
      // The same window as the sign-in form's.
      expect(await reserveSigninAttempt('10.9.9.9', 'victim@x')).toMatchObject({ allowed: false, scope: 'account' });
    });

    it('refuses a user who signs in with single sign-on (409), without charging the sign-in limit', async () => {
      await upsertOidcUser('sso@x', 'Single Sign');
      await expect(changeOwnPassword(signedIn('sso@x', 'sid'), { currentPassword: 'anything at all', newPassword: NEW })).rejects.toMatchObject({
        status: 409,
        message: 'sso@x signs in with single sign-on: change the password at the identity provider',
      });
      expect(await accountFailures('sso@x')).toBe(0);
    });

    it('refuses an API token (409), through the route as well', async () => {
      const token = { actor: { kind: 'token' as const, id: 'token-id', name: 'token:ci', role: 'admin' as const }, via: 'api' as const };
      await expect(changeOwnPassword(token, { currentPassword: OLD, newPassword: NEW })).rejects.toMatchObject({ status: 409, message: /an API token has none/ });

      const issued = await issueApiToken({ actor: { kind: 'cli', id: 'cli', name: 'cli', role: 'admin' }, via: 'cli' }, { name: 'bot', role: 'viewer' });
      const res = await passwordRoute.POST(
        new Request('http://console.test/api/v1/me/password', {
          method: 'POST',
          headers: { authorization: `Bearer ${issued.token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ currentPassword: OLD, newPassword: NEW }),
        }),
        { params: Promise.resolve({}) },
      );
      expect(res.status).toBe(409);
      expect((await res.json()).error.code).toBe('conflict');
    });

    it('a new password equal to the current one, too short or missing is refused by the input schema', () => {
      const issues = (input: unknown) => {
        const parsed = changeOwnPasswordInput.safeParse(input);
        return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
      };
      expect(issues({ currentPassword: OLD, newPassword: NEW })).toEqual([]);
      expect(issues({ currentPassword: OLD, newPassword: OLD })).toEqual(['newPassword: the new password must differ from the current one']);
      expect(issues({ currentPassword: OLD, newPassword: 'short' })).toEqual(['newPassword: password must be at least 10 characters']);
      expect(issues({ newPassword: NEW })).toHaveLength(1);
      // Older, shorter passwords can still be given as the current one.
      expect(issues({ currentPassword: 'short', newPassword: NEW })).toEqual([]);
    });

    it('is audited under me.password, success and refusals, and no entry holds a password', async () => {
      await createUser({ email: 'me@x', password: OLD, role: 'viewer' });
      await registerSession('me@x', 'here', DAY);
      await expect(changeOwnPassword(signedIn('me@x', 'here'), { currentPassword: 'a wrong guess', newPassword: NEW })).rejects.toThrow();
      await changeOwnPassword(signedIn('me@x', 'here'), { currentPassword: OLD, newPassword: NEW });

      const entries = await auditEntries('me.password');
      expect(entries.map((e) => [e.outcome, e.actor, e.message ?? null])).toEqual([
        ['invalid', 'me@x', 'Current password is wrong'],
        ['ok', 'me@x', null],
      ]);
      expect(entries[1].params).toEqual({ email: 'me@x', otherSessionsEnded: 0 });
      const all = JSON.stringify(await auditLog());
      for (const secret of [OLD, NEW, 'a wrong guess']) expect(all).not.toContain(secret);
    });
  });

  describe('sessions a password change ends', () => {
    it('an admin resetting a password still ends every session of that user, the admin’s own included when it is theirs', async () => {
      await createUser({ email: 'root@x', password: OLD, role: 'admin' });
      await createUser({ email: 'ops@x', password: OLD, role: 'operator' });
      await registerSession('ops@x', 'ops-1', DAY);
      await registerSession('root@x', 'root-here', DAY);
      await updateUser(signedIn('root@x', 'root-here', 'admin'), { email: 'ops@x' }, { resetPassword: true });
      expect(await isSessionLive('ops@x', 'ops-1')).toBe(false);
      expect(await isSessionLive('root@x', 'root-here')).toBe(true);

      await updateUser(signedIn('root@x', 'root-here', 'admin'), { email: 'root@x' }, { password: NEW });
      expect(await isSessionLive('root@x', 'root-here')).toBe(false);
    });

    it('revokeOtherSessions keeps only the named live session and never brings back one that ended', async () => {
      for (const sid of ['a', 'b', 'c']) await registerSession('u@x', sid, DAY);
      expect(await revokeOtherSessions('u@x', 'b')).toBe(2);
      expect([await isSessionLive('u@x', 'a'), await isSessionLive('u@x', 'b'), await isSessionLive('u@x', 'c')]).toEqual([false, true, false]);
      expect(await revokeOtherSessions('u@x', 'a')).toBe(1);
      expect(await isSessionLive('u@x', 'a')).toBe(false);
      expect(await peek.storedSessions('u@x')).toBe(0);
    });

    it('the new password and the end of the other sessions are one step of the store (setOwnPassword)', async () => {
      await createUser({ email: 'me@x', password: OLD, role: 'viewer' });
      for (const sid of ['here', 'laptop', 'phone']) await registerSession('me@x', sid, DAY);
      expect(await setOwnPassword('me@x', NEW, 'here')).toBe(2);
      expect((await verifyCredentials('me@x', NEW))?.email).toBe('me@x');
      expect([await isSessionLive('me@x', 'here'), await isSessionLive('me@x', 'laptop'), await isSessionLive('me@x', 'phone')]).toEqual([true, false, false]);
      expect(await peek.storedSessions('me@x')).toBe(1);
      // No session to keep (a CLI or API caller): all of them end.
      expect(await setOwnPassword('me@x', 'a third password', undefined)).toBe(1);
      expect(await isSessionLive('me@x', 'here')).toBe(false);
    });
  });
});
