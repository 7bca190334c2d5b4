import { z } from 'zod';
import { accessRoleSchema, grantsSchema } from './scope';

/** Lower-cased, trimmed; "admin@localhost" is a valid address here (no TLD required). */
export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .min(3, 'email is required')
  .max(254, 'email is too long')
  // No control characters (NUL included: PostgreSQL text cannot hold it, and no address has one).
  .regex(/^[^\s@\p{Cc}]+@[^\s@\p{Cc}]+$/u, 'must be an email address like name@example.com');

export const passwordSchema = z
  .string()
  .min(10, 'password must be at least 10 characters')
  .max(200, 'password must be at most 200 characters');

export const userRecordSchema = z.object({
  email: z.string(),
  name: z.string().optional(),
  /** the global role: on every queue no grant names ("none": only what the grants give) */
  role: accessRoleSchema,
  /** per-connection/queue roles (README › Team scopes); absent or empty: the global role everywhere */
  grants: grantsSchema.optional(),
  passwordHash: z.string().optional(),
  source: z.enum(['local', 'oidc']),
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type UserRecord = z.infer<typeof userRecordSchema>;

/** What pages and APIs may see of a user: never the hash. */
export type PublicUser = Omit<UserRecord, 'passwordHash'>;

export function toPublicUser(user: UserRecord): PublicUser {
  const { passwordHash: _hash, ...rest } = user;
  return rest;
}
