// Inputs of the user and API-token operations (lib/operations/users.ts). Pure zod.
import { z } from 'zod';
import { roleSchema } from '@/lib/auth/roles';
import { emailSchema, passwordSchema } from '@/lib/auth/user-schema';
import { expiresInSchema, tokenNameSchema } from '@/lib/auth/token-schema';

export const addUserInput = z.object({
  email: emailSchema,
  role: roleSchema,
  name: z.string().trim().max(100).optional(),
  /** Omitted: a random password is generated and returned once. */
  password: passwordSchema.optional(),
});
export type AddUserInput = z.infer<typeof addUserInput>;

// Route-handler params arrive decoded (page params do not): no second decodeURIComponent.
export const userParamsSchema = z.object({ email: emailSchema });

/** A role change and/or a new password (given, or generated with resetPassword); every live session ends. */
export const updateUserInput = z
  .object({ role: roleSchema.optional(), password: passwordSchema.optional(), resetPassword: z.boolean().optional() })
  .strict()
  .refine((v) => v.role || v.password || v.resetPassword, 'Nothing to change: give role, password or resetPassword');
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
  role: roleSchema,
  expiresIn: z.preprocess((v) => (v === '' || v === null ? undefined : v), z.string().pipe(expiresInSchema).optional()),
});
export type CreateTokenInput = z.infer<typeof createTokenInput>;

export const tokenParamsSchema = z.object({ id: z.string().uuid('must be a token id') });
