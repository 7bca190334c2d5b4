// "Sign out everywhere": ends every session of the signed-in user (this one included).
import 'server-only';
import { audited, type AuditContext } from '@/lib/audit/audited';
import { userOperations as ops } from '@/lib/operations/users';
import { revokeAllSessions } from '@/lib/auth/sessions';
import { ConflictError } from '@/lib/errors';

export async function signOutEverywhere(ctx: AuditContext): Promise<void> {
  return audited(ctx, ops.signOutEverywhere, { params: { email: ctx.actor.id } }, async () => {
    if (ctx.actor.kind !== 'session') throw new ConflictError('Only a signed-in user has sessions to end; revoke an API token instead');
    return { result: await revokeAllSessions(ctx.actor.id) };
  });
}
