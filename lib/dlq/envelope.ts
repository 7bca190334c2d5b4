// The dead-letter envelope: everything about a permanently failed job that an operator needs to
// understand it and send it back. Stored as the data (JSON) of a job in the connection's DLQ queue.
// Pure: the worker runtime and the console both build and read envelopes with it.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { copyableJobOptions } from '@/lib/jobs/copy-options';

export const ENVELOPE_VERSION = 1;

export const deadLetterEnvelopeSchema = z
  .object({
    v: z.literal(ENVELOPE_VERSION),
    /** origin queue and job id */
    queue: z.string(),
    jobId: z.string(),
    name: z.string(),
    data: z.unknown(),
    /** the job's options as BullMQ reports them (decoded names: attempts, backoff, removeOnFail…) */
    opts: z.record(z.string(), z.unknown()),
    failedReason: z.string(),
    /** every stacktrace BullMQ kept, one per failed attempt, oldest first */
    stacktrace: z.array(z.string()),
    attemptsMade: z.number().int(),
    attemptsStarted: z.number().int(),
    /** origin job creation, first start of its last attempt, and when it reached failed (ms) */
    timestamp: z.number().nullable(),
    processedOn: z.number().nullable(),
    failedAt: z.number(),
    /** worker name that ran the last attempt, when known */
    processedBy: z.string().nullable(),
    capturedAt: z.number(),
    /** "runtime:drover@host:pid" or "console:<user>" */
    capturedBy: z.string(),
  })
  .strict();

export type DeadLetterEnvelope = z.infer<typeof deadLetterEnvelopeSchema>;

/**
 * The envelope's job id in the DLQ: derived from the origin (queue, job id, attempts made), so capturing
 * the same failure twice — the live path and the restart sweep, two workers, a retried console call —
 * finds the envelope already there. A retried-and-failed-again job has more attempts made: a new id.
 * Hashed because origin ids are arbitrary strings (':' and all); "dl-" keeps it from ever being an
 * integer, which BullMQ refuses as a custom id.
 */
export function deadLetterId(queue: string, jobId: string, attemptsMade: number, createdAt: number | null, failedAt?: number | null): string {
  // JSON of the tuple: unambiguous whatever characters the queue name or job id hold. The job's
  // creation time tells a reused custom id (e.g. "order-42" removed and added again) from the first.
  // PostgreSQL's ids add the failure time: BullMQ's retry_jobs there resets attempt counts, so a job
  // retried that way and failed again has the same attempts made (on Redis attempts keep counting).
  const tuple = failedAt === undefined ? [queue, jobId, attemptsMade, createdAt] : [queue, jobId, attemptsMade, createdAt, failedAt];
  return `dl-${createHash('sha256').update(JSON.stringify(tuple)).digest('hex').slice(0, 32)}`;
}

export const deadLetterIdSchema = z.string().regex(/^dl-[0-9a-f]{32}$/, 'must be a dead-letter id (dl- and 32 hex digits)');

/** What capture needs to know about a failed job (from the worker's Job object, or read from Redis). */
export type FailedJobFacts = {
  queue: string;
  jobId: string;
  name: string;
  /** the job's data as BullMQ stores it: JSON text (never re-parsed, a 30 MB payload is copied as is) */
  dataJson: string;
  opts: Record<string, unknown>;
  failedReason: string;
  stacktrace: string[];
  attemptsMade: number;
  attemptsStarted: number;
  timestamp: number | null;
  processedOn: number | null;
  failedAt: number;
  processedBy: string | null;
};

const JSON_START = /^\s*[{["\-0-9tfn]/;

/** BullMQ always stores JSON.stringify output; anything else (a hand-written hash) is kept as a string. */
function safeDataJson(text: string): string {
  if (!JSON_START.test(text)) return JSON.stringify(text);
  if (text.length > 1024 * 1024) return text;
  try {
    JSON.parse(text);
    return text;
  } catch {
    return JSON.stringify(text);
  }
}

const finite = (n: number | null): number | null => (n !== null && Number.isFinite(n) ? n : null);

/**
 * The envelope as JSON text, in a fixed key order. The data is spliced in as the text BullMQ stored,
 * so a large payload costs one copy, not a parse and a stringify.
 */
export function envelopeJson(facts: FailedJobFacts, capturedAt: number, capturedBy: string): string {
  const head = JSON.stringify({ v: ENVELOPE_VERSION, queue: facts.queue, jobId: facts.jobId, name: facts.name });
  const tail = JSON.stringify({
    opts: facts.opts,
    failedReason: facts.failedReason,
    stacktrace: facts.stacktrace.filter((s) => typeof s === 'string'),
    attemptsMade: facts.attemptsMade,
    attemptsStarted: facts.attemptsStarted,
    timestamp: finite(facts.timestamp),
    processedOn: finite(facts.processedOn),
    failedAt: facts.failedAt,
    processedBy: facts.processedBy,
    capturedAt,
    capturedBy,
  });
  return `${head.slice(0, -1)},"data":${safeDataJson(facts.dataJson)},${tail.slice(1)}`;
}

export function parseEnvelope(text: string): DeadLetterEnvelope {
  return deadLetterEnvelopeSchema.parse(JSON.parse(text));
}

/** Options of the fresh job a requeue creates: it runs now, the origin's delay (or retry delay) already happened. */
export function requeueOptions(opts: Record<string, unknown>): Record<string, unknown> {
  return copyableJobOptions(opts, { keepDelay: false });
}
