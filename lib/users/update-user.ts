// Change a user's role and/or password (admin); either ends every session of that user at once.
import 'server-only';
import { audited, type AuditContext } from '@/lib/audit/audited';
import { userOperations as ops } from '@/lib/operations/users';
import type { PublicUser } from '@/lib/auth/user-schema';
import { setUserPassword, setUserRole } from '@/lib/auth/users';
import { generatePassword } from '@/lib/auth/password';
import type { AccessRole as Role } from '@/lib/auth/scope';
import type { UpdateUserInput } from './schemas';

export async function updateUser(ctx: AuditContext, t: { email: string }, input: UpdateUserInput): Promise<{ user: PublicUser; password?: string }> {
  const params = { email: t.email, ...(input.role ? { role: input.role } : {}), ...(input.password || input.resetPassword ? { password: 'reset' } : {}) };
  return audited(ctx, ops.updateUser, { params }, async () => {
    let user: PublicUser | undefined;
    // The entry of a role change names the role it replaced as well as the new one.
    let previousRole: Role | undefined;
    if (input.role) ({ user, previousRole } = await setUserRole(t.email, input.role));
    let password: string | undefined;
    if (input.password || input.resetPassword) {
      password = input.password ?? generatePassword();
      user = await setUserPassword(t.email, password);
    }
    return { result: { user: user!, ...(password && !input.password ? { password } : {}) }, details: previousRole ? { previousRole } : undefined };
  });
}
