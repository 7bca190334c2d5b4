import { z } from 'zod';
import { connectionNameSchema, queueNameSchema } from '@/lib/config/schema';

/** Route params of everything under /connections/{conn}/queues/{queue}. */
export const queueParamsSchema = z.object({ conn: connectionNameSchema, queue: queueNameSchema });
export type QueueParams = z.infer<typeof queueParamsSchema>;

/** Job ids are opaque strings chosen by producers: bounded, no ':' (BullMQ rejects those too). */
export const jobIdSchema = z
  .string()
  .min(1, 'job id is required')
  .max(512, 'job id is longer than 512 characters')
  .refine((s) => !s.includes(':'), 'job id must not contain ":"');

export const jobParamsSchema = queueParamsSchema.extend({ id: jobIdSchema });
export type JobParams = z.infer<typeof jobParamsSchema>;
