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

/** At most this many firing alerts are listed (oldest first); `total` counts them all. */
export const FIRING_LISTED_MAX = 20;

export const firingAlertsSchema = z.object({ total: z.number().int(), firing: z.array(firingAlertSchema).max(FIRING_LISTED_MAX) });
export type FiringAlerts = z.infer<typeof firingAlertsSchema>;
