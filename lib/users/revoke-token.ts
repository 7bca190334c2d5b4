// Revoke an API token (admin): the next request with it gets 401.
import 'server-only';
import { audited, type AuditContext } from '@/lib/audit/audited';
import { userOperations as ops } from '@/lib/operations/users';
import { revokeApiToken, type ApiTokenRecord } from '@/lib/auth/api-tokens';

export async function revokeToken(ctx: AuditContext, t: { id: string }): Promise<ApiTokenRecord & { revoked: string }> {
  return audited(ctx, ops.revokeToken, { params: t }, async () => {
    const record = await revokeApiToken(t.id);
    return { result: { ...record, revoked: record.id } };
  });
}
