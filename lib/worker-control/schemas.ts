// The inputs and answers of the worker control operations (lib/operations/workers.ts).
import { z } from 'zod';
import { connectionNameSchema } from '@/lib/config/schema';
import { CONTROL_CONCURRENCY_MAX, CONTROL_CONCURRENCY_MIN, controlAckSchema, maxWorkerConcurrency } from './control-message';

export const workerProcessParamsSchema = z.object({
  conn: connectionNameSchema,
  /** the process's runtime id (its heartbeat's key in the Busy and Workers views) */
  runtimeId: z.string().min(1).max(64),
});
export type WorkerProcessParams = z.infer<typeof workerProcessParamsSchema>;

export const concurrencyInputSchema = z.object({
  /** jobs at once per Drover process on this queue; null: back to the kind's own */
  // The schema's ceiling is the absolute one; the message names the console's own bound (checked again in setWorkerConcurrency).
  concurrency: z
    .number()
    .int()
    .min(CONTROL_CONCURRENCY_MIN)
    .max(CONTROL_CONCURRENCY_MAX, { error: () => `at most ${maxWorkerConcurrency()} (DROVER_MAX_WORKER_CONCURRENCY)` })
    .nullable(),
});

export const controlResultSchema = z.object({
  message: z.string(),
  listeners: z.number(),
  applied: z.number(),
  acks: z.array(controlAckSchema),
});
export type ControlResult = z.infer<typeof controlResultSchema>;
