import { z } from 'zod';

/**
 * ok; denied (the caller's role, a read-only connection, a cross-origin call, too many at once);
 * invalid (their input); refused (the state of what they acted on: gone, in the wrong state, the last
 * admin); error (the store failed: unreachable, out of memory, a bug).
 */
export const auditOutcomeSchema = z.enum(['ok', 'denied', 'invalid', 'refused', 'error']);
export type AuditOutcome = z.infer<typeof auditOutcomeSchema>;

export const auditEntrySchema = z.object({
  id: z.string(),
  ts: z.number(),
  actor: z.string(),
  role: z.string(),
  via: z.enum(['ui', 'api', 'cli', 'system']),
  action: z.string(),
  connection: z.string().optional(),
  queue: z.string().optional(),
  jobIds: z.array(z.string()).optional(),
  count: z.number().optional(),
  params: z.record(z.string(), z.unknown()).optional(),
  outcome: auditOutcomeSchema,
  message: z.string().optional(),
  /** refusals aggregated into this entry: how many calls, first and last seen (ms) */
  repeats: z.object({ count: z.number(), first: z.number(), last: z.number() }).optional(),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;
export type NewAuditEntry = Omit<AuditEntry, 'id' | 'ts' | 'repeats'>;
