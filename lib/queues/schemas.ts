// Inputs of the queue operations (lib/operations/queues.ts). Pure zod.
import { z } from 'zod';
import { operationIdSchema } from '@/lib/progress/operation-id';

export const limitsInputSchema = z
  .object({
    /** null removes the global concurrency */
    concurrency: z.number().int().min(1, 'concurrency must be ≥ 1').max(100_000).nullable(),
    /** null removes the global rate limit */
    rateLimit: z.object({ max: z.number().int().min(1, 'max must be ≥ 1'), duration: z.number().int().min(1, 'duration must be ≥ 1 ms') }).strict().nullable(),
  })
  .strict();
export type LimitsInput = z.infer<typeof limitsInputSchema>;

export const cleanInputSchema = z
  .object({
    state: z.enum(['completed', 'failed', 'delayed', 'waiting', 'prioritized']),
    /** Remove jobs older than this (finished time for completed/failed, creation for the rest). */
    olderThanMs: z.number().int().min(0, 'olderThanMs must be ≥ 0'),
    operationId: operationIdSchema.optional(),
  })
  .strict();
export type CleanInput = z.infer<typeof cleanInputSchema>;

export const drainInputSchema = z.object({ includeDelayed: z.boolean().default(false), operationId: operationIdSchema.optional() }).strict();
export type DrainInput = z.infer<typeof drainInputSchema>;

export const obliterateInputSchema = z.object({ confirm: z.string(), force: z.boolean().default(false) }).strict();
export type ObliterateInput = z.infer<typeof obliterateInputSchema>;

export const messageSchema = z.object({ message: z.string() });
