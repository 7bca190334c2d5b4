// The permission matrix's shape (README › Team scopes › Permissions): operations withheld from a role,
// on top of the role rules. Pure zod: the config file, the API and the form share it.
import { z } from 'zod';

const operationNameSchema = z.string().trim().min(1).max(100).regex(/^[a-z][a-zA-Z.-]*$/, 'must be an operation name like job.remove');

export const withholdSchema = z
  .object({
    viewer: z.array(operationNameSchema).max(200).optional(),
    operator: z.array(operationNameSchema).max(200).optional(),
    admin: z.array(operationNameSchema).max(200).optional(),
  })
  .strict();
export type Withhold = z.infer<typeof withholdSchema>;

export const permissionsConfigSchema = z.object({ withhold: withholdSchema.default({}) }).strict();
