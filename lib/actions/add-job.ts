// Add a job from the console: name, JSON data (checked against the queue's registry schema when
// Drover's workers declare one) and the common options over the kind's default job options.
import 'server-only';
import { z } from 'zod';
import type { JobsOptions } from 'bullmq';
import { audited, type AuditContext } from '@/lib/audit/audited';
import { queueParamsSchema, jobIdSchema } from '@/lib/queues/params';
import { ConflictError } from '@/lib/errors';
import { withKindDefaults } from '@/workers/definitions';
import { parseJsonInput, validateAgainstRegistry } from './job-data';
import { writableConnection } from './writable-connection';

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

export const addJobTargetSchema = queueParamsSchema;

export async function addJob(ctx: AuditContext, target: z.infer<typeof queueParamsSchema>, input: z.infer<typeof addJobInputSchema>): Promise<{ message: string; jobId: string }> {
  return audited(ctx, { action: 'job.add', connection: target.conn, queue: target.queue, params: { name: input.name, opts: input.opts } }, async () => {
    const conn = writableConnection(ctx, target.conn, { notDeadLetterQueue: target.queue });
    const data = parseJsonInput(input.data ?? {}, 'data');
    validateAgainstRegistry(target.queue, input.name, data);
    const queue = conn.queue(target.queue);
    if (input.opts.jobId && (await conn.redis.exists(conn.key(target.queue, input.opts.jobId)))) {
      throw new ConflictError(`A job with id ${input.opts.jobId} already exists in "${target.queue}"`);
    }
    // A queue Drover's workers run gets its kind's attempts, backoff and retention unless given here.
    const job = await queue.add(input.name, data, withKindDefaults(target.queue, input.opts) as JobsOptions);
    const deduplicated = input.opts.deduplication && job.id !== input.opts.jobId && job.deduplicationId === undefined;
    return {
      result: { message: deduplicated ? `Deduplicated: job ${job.id} already holds id ${input.opts.deduplication!.id}` : `Added job ${job.id} to ${target.queue}`, jobId: job.id! },
      jobIds: [job.id!],
    };
  });
}
