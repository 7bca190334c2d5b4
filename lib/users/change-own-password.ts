// The signed-in user changes their own password: the current one is checked as a sign-in checks it, and
// a wrong one is a sign-in failure of the account (lib/auth/signin-rate-limit.ts), so a stolen session
// cannot guess the password here faster than on the sign-in form. Other sessions end; this one goes on.
import 'server-only';
import { audited, type AuditContext } from '@/lib/audit/audited';
import { userOperations as ops } from '@/lib/operations/users';
import { getUser, setOwnPassword, verifyCredentials } from '@/lib/auth/users';
import { rateLimitMessage, reserveSigninAttempt, settleSigninAttempt } from '@/lib/auth/signin-rate-limit';
import { ConflictError, InvalidError, NotFoundError, RateLimitedError } from '@/lib/errors';
import type { ChangeOwnPasswordInput } from './schemas';

const WRONG_CURRENT_PASSWORD = 'Current password is wrong';

export async function changeOwnPassword(ctx: AuditContext, input: ChangeOwnPasswordInput): Promise<{ otherSessionsEnded: number }> {
  return audited(ctx, ops.changeOwnPassword, { params: { email: ctx.actor.id } }, async () => {
    if (ctx.actor.kind !== 'session') throw new ConflictError('Only a signed-in user has a password to change; an API token has none');
    const email = ctx.actor.id;
    const user = await getUser(email);
    if (!user) throw new NotFoundError(`No user with email ${email}`);
    if (user.source !== 'local' || !user.passwordHash) {
      throw new ConflictError(`${email} signs in with single sign-on: change the password at the identity provider`);
    }

    // The account's window only: the address is not known to server actions, and the account is
    // what a stolen session would be guessing.
    const attempt = await reserveSigninAttempt(null, email);
    if (!attempt.allowed) throw new RateLimitedError(rateLimitMessage(attempt.retryAfterSeconds), attempt.retryAfterSeconds);
    let checked: Awaited<ReturnType<typeof verifyCredentials>>;
    try {
      checked = await verifyCredentials(email, input.currentPassword);
    } catch (err) {
      // Not checked (the hashing queue was full, Redis failed): the slot is given back.
      await settleSigninAttempt(attempt.reservation, 'void');
      throw err;
    }
    if (!checked) {
      await settleSigninAttempt(attempt.reservation, 'failure');
      throw new InvalidError(WRONG_CURRENT_PASSWORD, { currentPassword: [WRONG_CURRENT_PASSWORD] });
    }
    await settleSigninAttempt(attempt.reservation, 'success');

    const otherSessionsEnded = await setOwnPassword(email, input.newPassword, ctx.actor.sessionId);
    return { result: { otherSessionsEnded }, details: { otherSessionsEnded } };
  });
}
