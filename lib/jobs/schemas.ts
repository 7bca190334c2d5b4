// Inputs and outputs of the job operations (lib/operations/jobs.ts). Pure zod: the operation table,
// the verbs and the UI all import these; nothing here touches Redis.
import { z } from 'zod';
import { jobIdSchema } from '@/lib/queues/params';
import { operationIdSchema } from '@/lib/progress/operation-id';
import { jobStateSchema } from './job-states';
import { JOB_ACTIONS, stateActionMismatch } from './transitions';
import { dataColumnsParamSchema } from './query/data-columns';

/** Largest job data the console accepts (add, edit, requeue with edits). */
export const MAX_JOB_DATA_BYTES = 4 * 1024 * 1024;
/** Job data shown inline on the job page; the expanded view and downloads go up to EXPANDED_LIMIT / all. */
export const INLINE_LIMIT = 256 * 1024;
export const EXPANDED_LIMIT = 4 * 1024 * 1024;

export const actionOutcomeSchema = z.object({ message: z.string(), jobId: z.string().optional(), state: z.string().optional(), delivered: z.boolean().optional() });
export type ActionOutcome = z.infer<typeof actionOutcomeSchema>;

export const updateJobInputSchema = z
  .object({
    data: z.unknown().optional(),
    priority: z.number().int().min(0, 'priority must be ≥ 0').max(2_097_152, 'priority must be ≤ 2,097,152').optional(),
    delay: z.number().int().min(0, 'delay must be ≥ 0 ms').max(365 * 24 * 3600 * 1000, 'delay must be under a year').optional(),
  })
  .strict()
  .refine((v) => v.data !== undefined || v.priority !== undefined || v.delay !== undefined, 'give data, priority or delay');
export type UpdateJobInput = z.infer<typeof updateJobInputSchema>;

/** Cancel and fail permanently: an optional reason, recorded in the job and the audit log. */
export const cancelInputSchema = z.object({ reason: z.string().trim().max(500).optional() }).strict();
export type CancelInput = z.infer<typeof cancelInputSchema>;

export const addJobOptionsSchema = z
  .object({
    delay: z.number().int().min(0, 'delay must be ≥ 0 ms').optional(),
    priority: z.number().int().min(0).max(2_097_152, 'priority must be ≤ 2,097,152').optional(),
    attempts: z.number().int().min(1, 'attempts must be ≥ 1').max(1000).optional(),
    backoff: z.object({ type: z.enum(['fixed', 'exponential']), delay: z.number().int().min(0) }).strict().optional(),
    // BullMQ refuses integer-like custom ids and ':' (outside its own "repeat:…:…" ids).
    jobId: jobIdSchema
      .refine((id) => `${parseInt(id, 10)}` !== id, 'jobId must not be an integer (BullMQ keeps those for its own ids)')
      .refine((id) => !id.includes(':'), 'jobId must not contain ":"')
      .optional(),
    deduplication: z.object({ id: z.string().min(1).max(512), ttl: z.number().int().min(1).optional() }).strict().optional(),
    lifo: z.boolean().optional(),
    removeOnComplete: z.union([z.boolean(), z.number().int().min(0)]).optional(),
    removeOnFail: z.union([z.boolean(), z.number().int().min(0)]).optional(),
  })
  .strict();

export const addJobInputSchema = z.object({
  name: z.string().trim().min(1, 'name is required').max(200, 'name must be at most 200 characters'),
  /** JSON text (from the editor) or any JSON value (API). */
  data: z.unknown().optional(),
  opts: addJobOptionsSchema.default({}),
});
export type AddJobInput = z.input<typeof addJobInputSchema>;

/** Ids one bulk call may name. */
export const BULK_ID_LIMIT = 100_000;

const bulkIdsSchema = z.array(jobIdSchema).min(1, 'ids must not be empty').max(BULK_ID_LIMIT, `at most ${BULK_ID_LIMIT} ids per call`);

export const bulkInputSchema = z.union([
  z.object({ action: z.enum(JOB_ACTIONS), ids: bulkIdsSchema, operationId: operationIdSchema.optional() }).strict(),
  z
    .object({
      action: z.enum(['retry', 'remove', 'promote']),
      state: z.enum(['waiting', 'delayed', 'prioritized', 'completed', 'failed']),
      /** Only jobs finished (or created, for waiting states) more than this long ago. */
      olderThanMs: z.number().int().min(0).optional(),
      operationId: operationIdSchema.optional(),
    })
    .strict()
    // Refused here, before any progress write or count: the API answers 400.
    .superRefine((v, ctx) => {
      const mismatch = stateActionMismatch(v.action, v.state);
      if (mismatch) ctx.addIssue({ code: 'custom', path: ['state'], message: mismatch });
    }),
  // Failed jobs into the connection's dead-letter queue (lib/dlq), for queues run by workers Drover does
  // not run; removeOrigin also removes each job from failed once its envelope exists.
  z.object({ action: z.literal('dead-letter'), ids: bulkIdsSchema, removeOrigin: z.boolean().optional(), operationId: operationIdSchema.optional() }).strict(),
  z
    .object({
      action: z.literal('dead-letter'),
      state: z.literal('failed'),
      olderThanMs: z.number().int().min(0).optional(),
      removeOrigin: z.boolean().optional(),
      operationId: operationIdSchema.optional(),
    })
    .strict(),
]);
export type BulkInput = z.infer<typeof bulkInputSchema>;

export const bulkResultSchema = z.object({
  action: z.string(),
  requested: z.number(),
  succeeded: z.number(),
  failed: z.number(),
  errors: z.array(z.object({ id: z.string(), message: z.string() })),
  message: z.string(),
});
export type BulkResult = z.infer<typeof bulkResultSchema>;

export const PAGE_SIZES = [10, 25, 50, 100, 200] as const;

export const listJobsQuerySchema = z.object({
  state: jobStateSchema.default('waiting'),
  page: z.coerce.number().int().min(1).max(100_000_000).default(1),
  size: z.coerce
    .number()
    .int()
    .refine((n) => (PAGE_SIZES as readonly number[]).includes(n), `size must be one of ${PAGE_SIZES.join(', ')}`)
    .default(25),
  order: z.enum(['newest', 'oldest']).default('newest'),
  name: z.string().trim().max(200).optional().transform((s) => s || undefined),
  /** with a name filter: the position in the state where the previous answer stopped */
  cursor: z.coerce.number().int().min(0).max(1_000_000_000).optional(),
});
export type ListJobsQuery = z.infer<typeof listJobsQuerySchema>;

export const SEARCH_FIELDS = ['any', 'id', 'name', 'data', 'failedReason', 'returnvalue', 'logs'] as const;
export const searchFieldSchema = z.enum(SEARCH_FIELDS);
export type SearchField = z.infer<typeof searchFieldSchema>;
/** The longest a single search call may hold Redis, whatever the client asks for. */
export const SEARCH_MAX_CALL_MS = 10;

export const searchQuerySchema = z.object({
  q: z.string().min(1, 'q (the text to find) is required').max(500, 'q must be at most 500 characters'),
  field: searchFieldSchema.default('any'),
  state: z.union([jobStateSchema, z.literal('all')]).default('all'),
  /** the previous answer's cursor: state, the store's position (two bigint keys on PostgreSQL), counts, the instant */
  cursor: z.string().max(200).optional(),
  /** newest (default) or oldest first within each state, as the lists' Order */
  order: z.enum(['newest', 'oldest']).default('newest'),
  /** Redis time per call, in ms (a chunk stops early when it is used up); clamped to SEARCH_MAX_CALL_MS. */
  budget: z.coerce
    .number()
    .int()
    .min(1)
    .default(8)
    .transform((ms) => Math.min(ms, SEARCH_MAX_CALL_MS)),
  /** Data columns: `data.customerId,returnvalue.id` (at most 8); each match gets their values as text, cut. */
  columns: dataColumnsParamSchema.optional(),
});
export type SearchQuery = z.infer<typeof searchQuerySchema>;

export const logsQuerySchema = z
  .object({
    start: z.coerce.number().int().min(0).default(0),
    end: z.coerce.number().int().min(0).optional(),
  })
  .transform((q) => ({ start: q.start, end: q.end ?? q.start + 199 }))
  .refine((q) => q.end >= q.start, 'end must not be before start')
  .refine((q) => q.end - q.start < 1000, 'at most 1000 lines per request');

export const jobFieldSchema = z.enum(['data', 'returnvalue']);
export type JobField = z.infer<typeof jobFieldSchema>;

export const jobFieldQuerySchema = z.object({
  limit: z.coerce.number().int().min(0).max(EXPANDED_LIMIT).default(INLINE_LIMIT),
  raw: z.enum(['0', '1']).optional(),
});
