// Remove a user (admin): not yourself, not the last admin; their sessions end at once.
import 'server-only';
import { audited, type AuditContext } from '@/lib/audit/audited';
import { userOperations as ops } from '@/lib/operations/users';
import { removeUser } from '@/lib/auth/users';
import { ConflictError } from '@/lib/errors';

export async function deleteUser(ctx: AuditContext, t: { email: string }): Promise<{ removed: string }> {
  return audited(ctx, ops.removeUser, { params: t }, async () => {
    if (ctx.actor.kind === 'session' && ctx.actor.id === t.email) throw new ConflictError('You cannot remove yourself: ask another admin');
    await removeUser(t.email);
    return { result: { removed: t.email } };
  });
}
