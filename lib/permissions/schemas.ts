// Input and output of the permission matrix's operations (lib/operations/permissions.ts). Pure zod.
import { z } from 'zod';
import { withholdSchema } from '@/lib/auth/permissions-schema';
import { roleSchema } from '@/lib/auth/roles';

/** The stored part of the matrix, replaced whole (the config file's entries are not part of it). */
export const setPermissionsInput = z.object({ withhold: withholdSchema }).strict();
export type SetPermissionsInput = z.infer<typeof setPermissionsInput>;

const withholdOutput = z.object({ viewer: z.array(z.string()), operator: z.array(z.string()), admin: z.array(z.string()) });

export const permissionsOutput = z.object({
  /** what admins stored (Users & tokens › Permissions, PUT /permissions) */
  withhold: withholdOutput,
  /** what the config file withholds: shown locked, changed only in the file */
  configured: withholdOutput,
  /** every operation, its table and role, and the roles that hold it (the matrix's cells) */
  operations: z.array(z.object({ name: z.string(), table: z.string(), role: roleSchema, summary: z.string(), roles: z.array(roleSchema), keptForAdmin: z.boolean() })),
  /** how long a replica may take to apply a change (ms) */
  appliesWithinMs: z.number(),
});
export type Permissions = z.infer<typeof permissionsOutput>;
