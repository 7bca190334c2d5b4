// Inputs of the user and API-token operations (lib/operations/users.ts). Pure zod.
import { z } from 'zod';
import { accessRoleSchema, grantSchema, MAX_GRANTS } from '@/lib/auth/scope';
import { emailSchema, passwordSchema } from '@/lib/auth/user-schema';
import { expiresInSchema, tokenNameSchema } from '@/lib/auth/token-schema';

/**
 * "operator@main/billing-*" (role@connection/queue; role@queue means every connection) becomes
 * { role, connection, queue } before the grant's own rules check it, so an error names the part that
 * is wrong (grants[1].queue). Anything else passes through unchanged.
 */
function grantFromText(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const at = value.indexOf('@');
  if (at === -1) return { role: value.trim(), queue: '' };
  const [role, target] = [value.slice(0, at).trim(), value.slice(at + 1)];
  const slash = target.indexOf('/');
  return slash === -1 ? { role, connection: '*', queue: target } : { role, connection: target.slice(0, slash), queue: target.slice(slash + 1) };
}

/** Grants as the API, the forms and the CLI take them: objects, or the short text form. */
export const grantsInput = z.array(z.preprocess(grantFromText, grantSchema)).max(MAX_GRANTS, `at most ${MAX_GRANTS} grants`);

export const addUserInput = z.object({
  email: emailSchema,
  /** the global role ("none": only what the grants give) */
  role: accessRoleSchema,
  /** per-connection/queue roles (README › Team scopes); the most specific matching one decides */
  grants: grantsInput.optional(),
  name: z.string().trim().max(100).optional(),
  /** Omitted: a random password is generated and returned once. */
  password: passwordSchema.optional(),
});
export type AddUserInput = z.infer<typeof addUserInput>;

// Route-handler params arrive decoded (page params do not): no second decodeURIComponent.
export const userParamsSchema = z.object({ email: emailSchema });

/**
 * A role change and/or a new password (given, or generated with resetPassword): every live session
 * ends. New grants (replacing all of them; [] removes them) apply from the user's next request.
 */
export const updateUserInput = z
  .object({ role: accessRoleSchema.optional(), grants: grantsInput.optional(), password: passwordSchema.optional(), resetPassword: z.boolean().optional() })
  .strict()
  .refine((v) => v.role || v.grants || v.password || v.resetPassword, 'Nothing to change: give role, grants, password or resetPassword');
export type UpdateUserInput = z.infer<typeof updateUserInput>;

/**
 * The signed-in user's own password change. The current password is checked like a sign-in (any
 * length an older rule allowed); the new one follows today's rule and must differ from it.
 */
export const changeOwnPasswordInput = z
  .object({
    currentPassword: z.string().min(1, 'current password is required').max(200, 'password must be at most 200 characters'),
    newPassword: passwordSchema,
  })
  .strict()
  .refine((v) => v.newPassword !== v.currentPassword, { path: ['newPassword'], message: 'the new password must differ from the current one' });
export type ChangeOwnPasswordInput = z.infer<typeof changeOwnPasswordInput>;

export const changeOwnPasswordOutput = z.object({
  /** the user's other sessions that ended (every browser and device but this one) */
  otherSessionsEnded: z.number().int().min(0),
});

/** expiresIn: "30d", "12h", "15m", "90s"; omitted or "" (the form's "never"): until revoked. */
export const createTokenInput = z.object({
  name: tokenNameSchema,
  /** the global role ("none": only what the grants give) */
  role: accessRoleSchema,
  grants: grantsInput.optional(),
  expiresIn: z.preprocess((v) => (v === '' || v === null ? undefined : v), z.string().pipe(expiresInSchema).optional()),
});
export type CreateTokenInput = z.infer<typeof createTokenInput>;

export const tokenParamsSchema = z.object({ id: z.string().uuid('must be a token id') });
