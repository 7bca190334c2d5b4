import { z } from 'zod';
import { connectionNameSchema, queueNameSchema } from '@/lib/config/schema';

/** Route params of everything under /connections/{conn}/queues/{queue}. */
export const queueParamsSchema = z.object({ conn: connectionNameSchema, queue: queueNameSchema });
export type QueueParams = z.infer<typeof queueParamsSchema>;

/**
 * Job ids are opaque strings chosen by producers or by BullMQ (scheduler jobs are "repeat:<id>:<ms>"),
 * so ':' is allowed; they are bounded in length.
 */
export const jobIdSchema = z.string().min(1, 'job id is required').max(512, 'job id is longer than 512 characters');

export const jobParamsSchema = queueParamsSchema.extend({ id: jobIdSchema });
export type JobParams = z.infer<typeof jobParamsSchema>;
