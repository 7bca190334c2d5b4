// Add a user (admin); without a password one is generated and returned once.
import 'server-only';
import { audited, type AuditContext } from '@/lib/audit/audited';
import { userOperations as ops } from '@/lib/operations/users';
import type { PublicUser } from '@/lib/auth/user-schema';
import { createUser } from '@/lib/auth/users';
import { generatePassword } from '@/lib/auth/password';
import { grantsForAudit } from './grants-for-audit';
import type { AddUserInput } from './schemas';

export async function addUser(ctx: AuditContext, input: AddUserInput): Promise<{ user: PublicUser; password?: string }> {
  return audited(ctx, ops.addUser, { params: { email: input.email, role: input.role } }, async () => {
    const password = input.password ?? generatePassword();
    const user = await createUser({ email: input.email, password, role: input.role, grants: input.grants, name: input.name });
    return { result: { user, password: input.password ? undefined : password }, details: input.grants?.length ? { grants: grantsForAudit(input.grants) } : undefined };
  });
}
