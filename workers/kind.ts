// The shape of one job kind in the registry: what the console shows and validates, what the runtime runs.
// Type-only imports from bullmq: this file is loaded by the Next.js server through workers/definitions.ts.
import type { DefaultJobOptions, JobSchedulerTemplateOptions, RateLimiterOptions } from 'bullmq';
import type { z } from 'zod';

export type SchedulerDefinition<Data = unknown> = {
  /** Scheduler id in BullMQ (unique per queue); the console shows it as "defined in code". */
  id: string;
  /** Cron pattern (with optional tz), or `every` milliseconds: exactly one of them. */
  pattern?: string;
  tz?: string;
  every?: number;
  template: { name: string; data: Data; opts?: JobSchedulerTemplateOptions };
};

export type JobKindDefinition<Kind extends string = string, Schema extends z.ZodType = z.ZodType> = {
  kind: Kind;
  queue: string;
  /** Job names this kind processes; the first is the default for `enqueue`. */
  jobNames: string[];
  description: string;
  dataSchema: Schema;
  /** Applied by every producer through withKindDefaults (definitions.ts): BullMQ keeps defaults on producers, not in Redis. */
  defaultJobOptions: DefaultJobOptions;
  /** Jobs one worker process runs at once. */
  concurrency: number;
  /** Queue-wide rate limit (a peer's Retry-After / 429 pauses that peer only: workers/runtime/peer-pause.ts). */
  limiter?: RateLimiterOptions;
  schedulers?: SchedulerDefinition<z.input<Schema>>[];
  /** Runs in a separate process (BullMQ sandboxed processor) because it is CPU heavy. */
  sandboxed?: boolean;
  /**
   * Dead-letter capture (every permanently failed job becomes an envelope in the connection's DLQ).
   * removeOrigin: remove the job from this queue's failed set once its envelope exists (default false:
   * keep it, so the queue page still shows it until removeOnFail trims it).
   */
  deadLetter?: { removeOrigin?: boolean };
};

/** Identity function that keeps the literal kind name and the schema's types. */
export function defineJobKind<const Kind extends string, Schema extends z.ZodType>(
  definition: JobKindDefinition<Kind, Schema>,
): JobKindDefinition<Kind, Schema> {
  return definition;
}

const DAY_SECONDS = 24 * 60 * 60;

/** Retention used by the bundled kinds: completed jobs a week (≤ count), failed jobs a month. */
export function retention(completedCount: number, failedCount: number): Pick<DefaultJobOptions, 'removeOnComplete' | 'removeOnFail'> {
  return {
    removeOnComplete: { age: 7 * DAY_SECONDS, count: completedCount },
    removeOnFail: { age: 30 * DAY_SECONDS, count: failedCount },
  };
}
