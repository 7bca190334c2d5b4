// Create an API token (admin): stored as a digest, returned once.
import 'server-only';
import { audited, type AuditContext } from '@/lib/audit/audited';
import { userOperations as ops } from '@/lib/operations/users';
import { createApiToken, type ApiTokenRecord } from '@/lib/auth/api-tokens';
import { grantsForAudit } from './grants-for-audit';
import type { CreateTokenInput } from './schemas';

export async function issueApiToken(ctx: AuditContext, input: CreateTokenInput): Promise<{ token: string; record: ApiTokenRecord }> {
  return audited(ctx, ops.createToken, { params: { name: input.name, role: input.role, expiresInMs: input.expiresIn } }, async () => {
    const created = await createApiToken({ name: input.name, role: input.role, grants: input.grants, expiresInMs: input.expiresIn, createdBy: ctx.actor.name });
    return { result: created, details: { tokenId: created.record.id, ...(input.grants?.length ? { grants: grantsForAudit(input.grants) } : {}) } };
  });
}

/** POST /api/v1/tokens answers the token next to its record, flat. */
export async function issueApiTokenResponse(ctx: AuditContext, input: CreateTokenInput): Promise<{ token: string; record: ApiTokenRecord } & ApiTokenRecord> {
  const created = await issueApiToken(ctx, input);
  return { ...created, ...created.record };
}
