// The messages of the worker control channel between the console and Drover worker runtimes
// (Redis: drover:control:<prefix>; PostgreSQL: NOTIFY drover_control), their acks, and the per-queue
// settings every runtime applies at start (concurrency override, local pause).
import { z } from 'zod';

/** Concurrency the console may set on a queue's Drover workers: the schema's ceiling, whatever the environment says. */
export const CONTROL_CONCURRENCY_MIN = 1;
export const CONTROL_CONCURRENCY_MAX = 1_000;
/** DROVER_MAX_WORKER_CONCURRENCY's default. */
export const DEFAULT_MAX_WORKER_CONCURRENCY = 50;

/**
 * DROVER_MAX_WORKER_CONCURRENCY (default 50, at most 1,000): the highest concurrency an operator may set
 * per Drover process on one queue — the console refuses more, the runtime clamps a stored value to it
 * (each runtime reads its own environment). The job kind's own concurrency is not concerned.
 */
export function maxWorkerConcurrency(): number {
  const n = Number(process.env.DROVER_MAX_WORKER_CONCURRENCY);
  return Number.isInteger(n) && n >= CONTROL_CONCURRENCY_MIN ? Math.min(n, CONTROL_CONCURRENCY_MAX) : DEFAULT_MAX_WORKER_CONCURRENCY;
}
/**
 * The worker runtime's exit code after a stop from the console (workers/main.ts): `npm start`
 * (scripts/start.mjs, which repeats the number) keeps the console running; a supervisor restarting on
 * exit makes a stop a graceful restart.
 */
export const WORKERS_STOPPED_EXIT_CODE = 75;
/** Seconds an ack list lives, so unanswered requests leave nothing behind. */
export const CONTROL_ACK_TTL_SECONDS = 60;
/** How long the console waits for the runtimes' acks of one command. */
export const CONTROL_ACK_WAIT_MS = 3_000;
/** Acks read of one command at most (one per listening process). */
export const CONTROL_ACKS_MAX = 100;
/**
 * Bytes of one control message a runtime reads at most: larger ones are not parsed (ignored, their size
 * logged). Above what a console sends (CONTROL_MESSAGE_MAX_BYTES), for consoles of other versions.
 */
export const CONTROL_MESSAGE_READ_MAX_BYTES = 16 * 1024;
/** Queues with a stored worker setting per connection at most: a new queue's setting past it is refused (409). */
export const WORKER_SETTINGS_MAX_QUEUES = 1_000;
/** Bytes of one control message at most (PostgreSQL refuses a NOTIFY payload from 8000 bytes on). */
export const CONTROL_MESSAGE_MAX_BYTES = 4_096;

const queueName = z.string().min(1).max(512);

/** Commands for one process (a null concurrency: back to the kind's own) (by its heartbeat's runtime id) or for every process running a queue. */
export const controlCommandSchema = z.enum(['quiet', 'unquiet', 'stop', 'set-concurrency', 'pause-local', 'resume-local']);
export type ControlCommand = z.infer<typeof controlCommandSchema>;

export const controlMessageSchema = z.discriminatedUnion('command', [
  z.object({ requestId: z.string().min(1).max(64), requestedBy: z.string().min(1).max(512), command: z.enum(['quiet', 'unquiet', 'stop']), runtimeId: z.string().min(1).max(64) }),
  z.object({ requestId: z.string().min(1).max(64), requestedBy: z.string().min(1).max(512), command: z.literal('set-concurrency'), queue: queueName, concurrency: z.number().int().min(CONTROL_CONCURRENCY_MIN).max(CONTROL_CONCURRENCY_MAX).nullable() }),
  z.object({ requestId: z.string().min(1).max(64), requestedBy: z.string().min(1).max(512), command: z.enum(['pause-local', 'resume-local']), queue: queueName }),
]);
export type ControlMessage = z.infer<typeof controlMessageSchema>;

/** Pushed by every runtime that received a message (applied: it concerned this process and was done). */
export const controlAckSchema = z.object({
  runtimeId: z.string(),
  worker: z.string(),
  applied: z.boolean(),
  message: z.string(),
});
export type ControlAck = z.infer<typeof controlAckSchema>;

/** What is kept per queue for every Drover runtime, those started later too. */
export const workerSettingSchema = z.object({
  /** replaces the kind's concurrency on every Drover runtime running the queue */
  concurrency: z.number().int().min(CONTROL_CONCURRENCY_MIN).max(CONTROL_CONCURRENCY_MAX).optional(),
  /** the queue's Drover workers take no new jobs (other BullMQ workers are not concerned) */
  pausedLocally: z.boolean().optional(),
});
export type WorkerSetting = z.infer<typeof workerSettingSchema>;

/** A change of some fields of a stored setting: undefined leaves a field as it is, null removes it. */
export type WorkerSettingChange = { concurrency?: number | null; pausedLocally?: true | null };

/** Parses a stored setting; an unreadable one counts as none. */
export function parseWorkerSetting(raw: string): WorkerSetting {
  try {
    const parsed = workerSettingSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : {};
  } catch {
    return {};
  }
}
