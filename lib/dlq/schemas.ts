// Inputs of the dead-letter operations (lib/operations/dead-letters.ts). Pure zod.
import { z } from 'zod';
import { queueNameSchema } from '@/lib/config/schema';
import { operationIdSchema } from '@/lib/progress/operation-id';
import { deadLetterIdSchema } from './envelope';

const blankToUndefined = (v: unknown) => (v === '' || v === null ? undefined : v);

export const errorGroupIdSchema = z.string().regex(/^[0-9a-f]{16}$/, 'must be an error group id (16 hex digits)');

export const deadLetterFilterSchema = z
  .object({
    /** origin queue */
    queue: z.preprocess(blankToUndefined, queueNameSchema.optional()),
    /** error group id */
    group: z.preprocess(blankToUndefined, errorGroupIdSchema.optional()),
    /** exact origin job name */
    name: z.preprocess(blankToUndefined, z.string().max(200).optional()),
    /** case-insensitive text in the id, origin job id, name, error or data */
    q: z.preprocess(blankToUndefined, z.string().max(500).optional()),
    /** failed at or after (ms) */
    from: z.preprocess(blankToUndefined, z.coerce.number().int().min(0).optional()),
    /** failed at or before (ms) */
    to: z.preprocess(blankToUndefined, z.coerce.number().int().min(0).optional()),
    /** failed more than this long ago (ms): purge or requeue "by age" */
    olderThanMs: z.preprocess(blankToUndefined, z.coerce.number().int().min(0).optional()),
  })
  .strict();

export type DeadLetterFilter = z.infer<typeof deadLetterFilterSchema>;

/**
 * A filter as the verbs hand it to the store: with team scopes, the origin queues the caller may see
 * (README › Team scopes). Undefined: every origin queue (the unscoped fast path); empty: none.
 */
export type ScopedDeadLetterFilter = DeadLetterFilter & { origins?: string[] };

/** Dead letters one call may act on (a filter matching more is done in several calls). */
export const DLQ_BULK_LIMIT = 100_000;

export const requeueInputSchema = z.union([
  z
    .object({
      ids: z.array(deadLetterIdSchema).min(1, 'ids must not be empty').max(DLQ_BULK_LIMIT, `at most ${DLQ_BULK_LIMIT} ids per call`),
      /** replacement data for the new job (JSON text or a value); only with exactly one id */
      data: z.unknown().optional(),
      operationId: operationIdSchema.optional(),
    })
    .strict()
    .refine((v) => v.data === undefined || v.ids.length === 1, { message: 'data can only be given with exactly one id', path: ['data'] }),
  z.object({ filter: deadLetterFilterSchema, operationId: operationIdSchema.optional() }).strict(),
]);
export type RequeueInput = z.infer<typeof requeueInputSchema>;

export const purgeInputSchema = z.union([
  z
    .object({
      ids: z.array(deadLetterIdSchema).min(1, 'ids must not be empty').max(DLQ_BULK_LIMIT, `at most ${DLQ_BULK_LIMIT} ids per call`),
      operationId: operationIdSchema.optional(),
    })
    .strict(),
  z.object({ filter: deadLetterFilterSchema, operationId: operationIdSchema.optional() }).strict(),
]);
export type PurgeInput = z.infer<typeof purgeInputSchema>;
