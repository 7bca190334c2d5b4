// One run of a job as Drover's runtime saw it. BullMQ overwrites processedOn/finishedOn on every
// attempt; this history keeps each run (who, when, how it ended) for the job page.
import { z } from 'zod';

export const attemptOutcomeSchema = z.enum(['running', 'completed', 'failed', 'cancelled', 'stalled']);
export type AttemptOutcome = z.infer<typeof attemptOutcomeSchema>;

export const attemptSchema = z.object({
  /** BullMQ's attemptsStarted for this run: 1 for the first run, +1 for each retry, stall recovery or rate-limit requeue. */
  attempt: z.number().int().min(0),
  startedAt: z.number(),
  endedAt: z.number().optional(),
  /** Worker name, e.g. "drover@host:1234". */
  worker: z.string(),
  outcome: attemptOutcomeSchema,
  error: z.string().optional(),
  /** The run went back to delayed without using an attempt (a receiver's 429 / Retry-After). */
  requeued: z.boolean().optional(),
  /** The job's creation time (BullMQ `timestamp`): tells a reused job id's old history apart. */
  jobTimestamp: z.number().optional(),
  /** The OpenTelemetry trace the run was part of (workers with DROVER_OTEL=1, README › Tracing). */
  traceId: z.string().regex(/^[0-9a-f]{32}$/).optional(),
});
export type Attempt = z.infer<typeof attemptSchema>;

/** Entries kept per job (LTRIM). */
export const ATTEMPTS_CAP = 25;
/** The history expires this long after its last write. */
export const ATTEMPTS_TTL_MS = 14 * 24 * 60 * 60 * 1000;
/** Error messages are cut to this length. */
export const ATTEMPT_ERROR_MAX = 500;
