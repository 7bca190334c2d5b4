// What the Workers view answers (GET /api/v1/workers) and its bounds. Pure zod: the operation table imports it.
import { z } from 'zod';
import { busyConnectionSchema, busyProcessSchema, BUSY_LIMITS } from '@/lib/workers/busy-schemas';
import { workerSettingSchema } from './control-message';

export const WORKERS_LIMITS = {
  /** live processes listed per connection (the Busy view's bound) */
  processes: BUSY_LIMITS.processes,
  /** gone Drover processes listed per connection (most recent last heartbeat first; kept 1 h, 200 at most) */
  gone: 50,
} as const;

export const workersConnectionSchema = busyConnectionSchema.extend({
  /** Drover processes whose heartbeat expired (3 missed beats) within the hour: their last heartbeat */
  gone: z.array(busyProcessSchema),
  /** queue → what every Drover process applies to it (concurrency override, local pause), for the listed queues */
  settings: z.record(z.string(), workerSettingSchema),
});
export type WorkersConnection = z.infer<typeof workersConnectionSchema>;

export const workersSchema = z.object({
  generatedAt: z.number(),
  /** concurrency: the most an operator may set per process on one queue here (DROVER_MAX_WORKER_CONCURRENCY), the bound of the page's field */
  limits: z.object({ processes: z.number(), gone: z.number(), concurrency: z.number() }),
  connections: z.array(workersConnectionSchema),
});
export type Workers = z.infer<typeof workersSchema>;
