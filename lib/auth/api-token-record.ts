// What Drover keeps of an API token (never the token itself), and what makes two token names the same.
import { z } from 'zod';
import { accessRoleSchema, grantsSchema } from './scope';

export const apiTokenRecordSchema = z.object({
  id: z.string(),
  name: z.string(),
  /** the global role ("none": only what the grants give) */
  role: accessRoleSchema,
  grants: grantsSchema.optional(),
  createdBy: z.string(),
  createdAt: z.number(),
  /** First characters of the token, to recognise it in lists. */
  hint: z.string(),
  /** When the token stops working (ms); absent: it works until revoked. */
  expiresAt: z.number().optional(),
});
export type ApiTokenRecord = z.infer<typeof apiTokenRecordSchema>;

/**
 * What makes two token names the same: case and Unicode compatibility forms aside (the schema trims
 * them), so "CI" and "ci" cannot sit side by side in the list, the audit log or an "expired" message.
 */
export function tokenNameKey(name: string): string {
  return name.normalize('NFKC').toLowerCase();
}
