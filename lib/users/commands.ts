// Admin commands on users and API tokens: role check first, then the change, audited either way.
import 'server-only';
import { z } from 'zod';
import { audited, type AuditContext } from '@/lib/audit/audited';
import { assertRole } from '@/lib/auth/assert-role';
import { roleSchema } from '@/lib/auth/roles';
import { emailSchema, passwordSchema, type PublicUser } from '@/lib/auth/user-schema';
import { createUser, removeUser, setUserPassword, setUserRole } from '@/lib/auth/users';
import { generatePassword } from '@/lib/auth/password';
import { createApiToken, expiresInSchema, revokeApiToken, tokenNameSchema, type ApiTokenRecord } from '@/lib/auth/api-tokens';
import { revokeAllSessions } from '@/lib/auth/sessions';
import { ConflictError } from '@/lib/errors';

export const addUserInput = z.object({
  email: emailSchema,
  role: roleSchema,
  name: z.string().trim().max(100).optional(),
  /** Omitted: a random password is generated and returned once. */
  password: passwordSchema.optional(),
});
export const setRoleInput = z.object({ email: emailSchema, role: roleSchema });
export const resetPasswordInput = z.object({ email: emailSchema, password: passwordSchema.optional() });
export const removeUserInput = z.object({ email: emailSchema });
/** expiresIn: "30d", "12h", "15m", "90s"; omitted or "" (the form's "never"): until revoked. */
export const createTokenInput = z.object({
  name: tokenNameSchema,
  role: roleSchema,
  expiresIn: z.preprocess((v) => (v === '' || v === null ? undefined : v), z.string().pipe(expiresInSchema).optional()),
});
export const revokeTokenInput = z.object({ id: z.string().uuid('must be a token id') });

export async function addUser(ctx: AuditContext, input: z.infer<typeof addUserInput>): Promise<{ user: PublicUser; password?: string }> {
  assertRole(ctx.actor, 'admin');
  return audited(ctx, { action: 'user.add', params: { email: input.email, role: input.role } }, async () => {
    const password = input.password ?? generatePassword();
    const user = await createUser({ email: input.email, password, role: input.role, name: input.name });
    return { result: { user, password: input.password ? undefined : password } };
  });
}

export async function changeUserRole(ctx: AuditContext, input: z.infer<typeof setRoleInput>): Promise<PublicUser> {
  assertRole(ctx.actor, 'admin');
  return audited(ctx, { action: 'user.set-role', params: input }, async () => ({ result: await setUserRole(input.email, input.role) }));
}

export async function resetUserPassword(ctx: AuditContext, input: z.infer<typeof resetPasswordInput>): Promise<{ user: PublicUser; password?: string }> {
  assertRole(ctx.actor, 'admin');
  return audited(ctx, { action: 'user.reset-password', params: { email: input.email } }, async () => {
    const password = input.password ?? generatePassword();
    const user = await setUserPassword(input.email, password);
    return { result: { user, password: input.password ? undefined : password } };
  });
}

export async function deleteUser(ctx: AuditContext, input: z.infer<typeof removeUserInput>): Promise<void> {
  assertRole(ctx.actor, 'admin');
  if (ctx.actor.kind === 'session' && ctx.actor.id === input.email) {
    throw new ConflictError('You cannot remove yourself: ask another admin');
  }
  return audited(ctx, { action: 'user.remove', params: input }, async () => ({ result: await removeUser(input.email) }));
}

export async function issueApiToken(ctx: AuditContext, input: z.infer<typeof createTokenInput>): Promise<{ token: string; record: ApiTokenRecord }> {
  assertRole(ctx.actor, 'admin');
  return audited(ctx, { action: 'token.create', params: { name: input.name, role: input.role, expiresInMs: input.expiresIn } }, async () => {
    const created = await createApiToken({ name: input.name, role: input.role, expiresInMs: input.expiresIn, createdBy: ctx.actor.name });
    return { result: created, details: { tokenId: created.record.id } };
  });
}

export async function revokeToken(ctx: AuditContext, input: z.infer<typeof revokeTokenInput>): Promise<ApiTokenRecord> {
  assertRole(ctx.actor, 'admin');
  return audited(ctx, { action: 'token.revoke', params: input }, async () => ({ result: await revokeApiToken(input.id) }));
}

/** "Sign out everywhere": ends every session of the signed-in user (including this one). */
export async function signOutEverywhere(ctx: AuditContext): Promise<void> {
  const actor = assertRole(ctx.actor, 'viewer');
  if (actor.kind !== 'session') throw new ConflictError('Only a signed-in user has sessions to end; revoke an API token instead');
  return audited(ctx, { action: 'session.revoke-all', params: { email: actor.id } }, async () => ({ result: await revokeAllSessions(actor.id) }));
}
