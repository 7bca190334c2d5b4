// What everyone may know of a firing alert (pure zod): the rule's name, its target and since when.
import { z } from 'zod';

export const firingAlertSchema = z.object({
  rule: z.string(),
  connection: z.string(),
  /** null for a connection-wide rule (Redis unreachable, dead-letter growth) */
  queue: z.string().nullable(),
  /** when it started firing, ms */
  since: z.number(),
});
export type FiringAlert = z.infer<typeof firingAlertSchema>;

export const firingAlertsSchema = z.object({ firing: z.array(firingAlertSchema) });
export type FiringAlerts = z.infer<typeof firingAlertsSchema>;
