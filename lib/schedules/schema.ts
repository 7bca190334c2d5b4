// Inputs of the schedule routes and actions (zod), and the shapes they return.
import { z } from 'zod';
import { queueParamsSchema } from '@/lib/queues/params';
import { MAX_PREVIEW_RUNS } from './cron';

/** BullMQ allows any string; the console bounds it and refuses control characters (ids end up in URLs and logs). */
export const schedulerIdSchema = z
  .string()
  .min(1, 'schedule id is required')
  .max(200, 'schedule id must be at most 200 characters')
  .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'schedule id must not contain control characters');

export const schedulerParamsSchema = queueParamsSchema.extend({ schedulerId: schedulerIdSchema });
export type SchedulerParams = z.infer<typeof schedulerParamsSchema>;

/** Epoch milliseconds or an ISO 8601 date-time with offset; null clears it. */
// Epoch ms up to JavaScript's largest Date (8.64e15): larger values break Date and cron-parser.
const dateInputSchema = z.union([z.number().int().min(0).max(8_640_000_000_000_000, 'must be a date before the year 275760'), z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time with offset, or epoch ms' }), z.null()]).optional();

const keepJobsSchema = z.union([
  z.boolean(),
  z.number().int().min(0),
  z.object({ age: z.number().int().min(0).optional(), count: z.number().int().min(0).optional(), limit: z.number().int().min(0).optional() }).strict(),
]);

/** The job options a scheduler's template may carry (BullMQ's JobSchedulerTemplateOptions, common part). */
export const templateOptionsSchema = z
  .object({
    attempts: z.number().int().min(1, 'attempts must be ≥ 1').max(1000).optional(),
    backoff: z
      .union([z.number().int().min(0), z.object({ type: z.string().min(1).max(100), delay: z.number().int().min(0).optional(), jitter: z.number().min(0).max(1).optional() }).strict()])
      .optional(),
    priority: z.number().int().min(0).max(2_097_152, 'priority must be ≤ 2,097,152').optional(),
    lifo: z.boolean().optional(),
    removeOnComplete: keepJobsSchema.optional(),
    removeOnFail: keepJobsSchema.optional(),
    keepLogs: z.number().int().min(0).optional(),
    stackTraceLimit: z.number().int().min(0).optional(),
    sizeLimit: z.number().int().min(1).optional(),
  })
  .strict();

export const scheduleInputSchema = z
  .object({
    /** Cron pattern (5 or 6 fields); exactly one of pattern and every. */
    pattern: z.string().trim().max(200, 'pattern must be at most 200 characters').optional(),
    /** Interval in ms (≥ 1000). */
    every: z.number().int('every must be a whole number of milliseconds').max(10 * 365 * 24 * 3600 * 1000, 'every must be at most 10 years').optional(),
    /** IANA time zone of the cron pattern. */
    tz: z.string().trim().max(100).optional(),
    startDate: dateInputSchema,
    endDate: dateInputSchema,
    /** Stop after this many jobs in total. */
    limit: z.number().int().min(1, 'limit must be ≥ 1').max(1_000_000_000).nullable().optional(),
    /** Cron only: run once right away, then follow the pattern. */
    immediately: z.boolean().optional(),
    template: z
      .object({
        name: z.string().trim().min(1, 'job name is required').max(200, 'job name must be at most 200 characters'),
        /** JSON text (from the editor) or any JSON value (API). */
        data: z.unknown().optional(),
        opts: templateOptionsSchema.default({}),
      })
      .strict(),
    /** Refuse to replace an existing schedule with this id (the "create" form sets it). */
    expectNew: z.boolean().optional(),
  })
  .strict();
export type ScheduleInput = z.infer<typeof scheduleInputSchema>;

export const deleteScheduleQuerySchema = z.object({ only: z.enum(['live', 'paused']).optional() });
export type DeleteScheduleOptions = z.infer<typeof deleteScheduleQuerySchema>;

export const migrateLegacyInputSchema = z
  .object({
    /** Id of the new job scheduler; default: the legacy job id, else the job name. */
    id: schedulerIdSchema.optional(),
    /** Template to use when the legacy repeatable's next job (and so its data) is gone. */
    template: z.object({ name: z.string().trim().min(1).max(200), data: z.unknown().optional() }).strict().optional(),
  })
  .strict();
export type MigrateLegacyInput = z.infer<typeof migrateLegacyInputSchema>;

export const cronPreviewInputSchema = z
  .object({
    pattern: z.string().max(200).optional(),
    every: z.number().int().max(10 * 365 * 24 * 3600 * 1000, 'every must be at most 10 years').optional(),
    tz: z.string().max(100).optional(),
    startDate: dateInputSchema,
    endDate: dateInputSchema,
    count: z.number().int().min(1).max(MAX_PREVIEW_RUNS, `count must be at most ${MAX_PREVIEW_RUNS}`).default(10),
  })
  .strict();
export type CronPreviewInput = z.infer<typeof cronPreviewInputSchema>;

/** "conn/queue" filter of the schedules list. */
export const scheduleListQuerySchema = z
  .object({
    conn: z.string().max(64).optional(),
    queue: z
      .string()
      .max(300)
      // Connection names have no "/", queue names no ":" (a queue name may contain "/").
      .regex(/^[A-Za-z0-9_-]{1,64}\/[^:]+$/, 'queue must be "<connection>/<queue>"')
      .optional(),
  });
export type ScheduleListQuery = z.infer<typeof scheduleListQuerySchema>;

export type TemplateOptions = z.infer<typeof templateOptionsSchema>;
