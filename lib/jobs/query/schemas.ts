// Inputs and answers of counting a query's matches and of bulk actions on everything a query matches.
import { z } from 'zod';
import { jobStateSchema } from '@/lib/jobs/job-states';
import { operationIdSchema } from '@/lib/progress/operation-id';
import { QUERY_MAX_CHARS } from './ast';

export const queryTextSchema = z.string().min(1, 'q (the query) is required').max(QUERY_MAX_CHARS, `q must be at most ${QUERY_MAX_CHARS} characters`);
const withinSchema = z.union([jobStateSchema, z.literal('all')]).default('all');

export const countQuerySchema = z.object({
  q: queryTextSchema,
  state: withinSchema,
  cursor: z.string().max(400).optional(),
});
export type CountQuery = z.infer<typeof countQuerySchema>;

export const countAnswerSchema = z.object({
  /** matches found so far (the exact count once `cursor` is null; "at least" while it is not) */
  matched: z.number(),
  cursor: z.string().nullable(),
  scannedSoFar: z.number(),
  total: z.number(),
  /** matches per state so far: what a bulk action on them would meet */
  byState: z.record(z.string(), z.number()),
});
export type CountAnswer = z.infer<typeof countAnswerSchema>;

export const BULK_QUERY_ACTIONS = ['retry', 'remove', 'promote', 'fail', 'dead-letter', 'priority', 'delay'] as const;
export type BulkQueryAction = (typeof BULK_QUERY_ACTIONS)[number];
/** Jobs per second a bulk action on a query changes when the caller names no rate, and the most it may ask. */
export const BULK_QUERY_DEFAULT_RATE = 500;
export const BULK_QUERY_MAX_RATE = 5000;
/** BullMQ's highest priority (2^21). */
const MAX_PRIORITY = 2_097_152;

export const bulkQueryInputSchema = z
  .object({
    q: queryTextSchema,
    state: withinSchema,
    action: z.enum(BULK_QUERY_ACTIONS),
    /** the new priority, for action `priority` (0 = none) */
    priority: z.number().int().min(0).max(MAX_PRIORITY).optional(),
    /** the new delay in ms from now, for action `delay` (delayed jobs only) */
    delayMs: z.number().int().min(0).max(365 * 24 * 3600 * 1000).optional(),
    /** jobs changed per second at most */
    rate: z.number().int().min(1).max(BULK_QUERY_MAX_RATE).default(BULK_QUERY_DEFAULT_RATE),
    /** for `dead-letter`: remove each job from failed once captured */
    removeOrigin: z.boolean().optional(),
    operationId: operationIdSchema,
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.action === 'priority' && v.priority === undefined) ctx.addIssue({ code: 'custom', path: ['priority'], message: 'priority is required for action priority' });
    if (v.action === 'delay' && v.delayMs === undefined) ctx.addIssue({ code: 'custom', path: ['delayMs'], message: 'delayMs is required for action delay' });
  });
export type BulkQueryInput = z.infer<typeof bulkQueryInputSchema>;

export const bulkQueryControlSchema = z.object({ command: z.enum(['pause', 'resume', 'cancel']) }).strict();

export const BULK_QUERY_PHASES = ['collecting', 'running', 'paused', 'done', 'cancelled', 'failed'] as const;
export const bulkQueryStatusSchema = z.object({
  id: z.string(),
  conn: z.string(),
  queue: z.string(),
  query: z.string(),
  action: z.enum(BULK_QUERY_ACTIONS),
  rate: z.number(),
  phase: z.enum(BULK_QUERY_PHASES),
  /** jobs the query matched when the collection ended (so far while collecting) */
  matched: z.number(),
  /** jobs handled so far: succeeded + skipped + failed */
  done: z.number(),
  succeeded: z.number(),
  /** jobs left alone because they changed meanwhile (another state, gone, no longer matching) */
  skipped: z.number(),
  failed: z.number(),
  /** the first reasons, per job (at most 50) */
  problems: z.array(z.object({ id: z.string(), outcome: z.enum(['skipped', 'failed']), reason: z.string() })),
  message: z.string(),
  startedAt: z.number(),
  finishedAt: z.number().nullable(),
  actor: z.string(),
  /** false when another console replica runs it: only its progress record is known here */
  local: z.boolean(),
});
export type BulkQueryStatus = z.infer<typeof bulkQueryStatusSchema>;
