// Change a user's role, grants and/or password (admin). A new role or password ends every session of
// that user at once; new grants apply from their next request (the guard reads the record each time).
import 'server-only';
import { audited, type AuditContext } from '@/lib/audit/audited';
import { userOperations as ops } from '@/lib/operations/users';
import type { PublicUser } from '@/lib/auth/user-schema';
import { setUserGrants, setUserPassword, setUserRole } from '@/lib/auth/users';
import { generatePassword } from '@/lib/auth/password';
import type { AccessRole as Role } from '@/lib/auth/scope';
import { grantsForAudit } from './grants-for-audit';
import type { UpdateUserInput } from './schemas';

export async function updateUser(ctx: AuditContext, t: { email: string }, input: UpdateUserInput): Promise<{ user: PublicUser; password?: string }> {
  const params = {
    email: t.email,
    ...(input.role ? { role: input.role } : {}),
    ...(input.grants ? { grants: input.grants.length } : {}),
    ...(input.password || input.resetPassword ? { password: 'reset' } : {}),
  };
  return audited(ctx, ops.updateUser, { params }, async () => {
    let user: PublicUser | undefined;
    const details: Record<string, unknown> = {};
    // The entry of a role change names the role it replaced as well as the new one; of a grants
    // change, the grants before and after.
    let previousRole: Role | undefined;
    if (input.role) {
      ({ user, previousRole } = await setUserRole(t.email, input.role));
      details.previousRole = previousRole;
    }
    if (input.grants) {
      const changed = await setUserGrants(t.email, input.grants);
      user = changed.user;
      details.previousGrants = grantsForAudit(changed.previousGrants);
      details.grants = grantsForAudit(input.grants);
    }
    let password: string | undefined;
    if (input.password || input.resetPassword) {
      password = input.password ?? generatePassword();
      user = await setUserPassword(t.email, password);
    }
    return { result: { user: user!, ...(password && !input.password ? { password } : {}) }, details: Object.keys(details).length ? details : undefined };
  });
}
