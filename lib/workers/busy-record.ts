// The heartbeat a Drover worker runtime publishes for the Busy view (KEYS.busyRecord / KEYS.busyIndex):
// what one process runs now. Written by workers/runtime/busy-heartbeat.ts, read by lib/workers/get-busy.ts.
import { z } from 'zod';

/** How often a runtime beats by default (DROVER_BUSY_HEARTBEAT_MS). */
export const BUSY_HEARTBEAT_MS = 5_000;
/** A record lives this many beats: one or two missed beats (a slow Redis, a GC pause) do not hide a process. */
export const BUSY_HEARTBEAT_TTL_BEATS = 3;
/** Jobs one heartbeat lists (the oldest first); jobsTotal says how many ran. */
export const BUSY_RECORD_MAX_JOBS = 100;
/** Characters kept of a job name in a record (ids are kept whole: the Busy view links to the job). */
export const BUSY_TEXT_CAP = 200;

export const busyRunningJobSchema = z.object({
  queue: z.string(),
  id: z.string(),
  name: z.string(),
  /** when this run started (ms) */
  startedAt: z.number(),
});
export type BusyRunningJob = z.infer<typeof busyRunningJobSchema>;

export const busyRecordSchema = z.object({
  /** random per runtime start (two runtimes of one process are two records) */
  runtimeId: z.string(),
  /** "drover@host:pid", the BullMQ worker name (the jobs' processedBy) */
  workerName: z.string(),
  host: z.string(),
  pid: z.number(),
  startedAt: z.number(),
  beatAt: z.number(),
  queues: z.array(z.string()),
  /** queue → jobs this process runs at once on it */
  concurrency: z.record(z.string(), z.number()),
  jobs: z.array(busyRunningJobSchema),
  /** jobs running at the beat (jobs lists at most BUSY_RECORD_MAX_JOBS of them) */
  jobsTotal: z.number(),
});
export type BusyRecord = z.infer<typeof busyRecordSchema>;

export function capText(text: string): string {
  return text.length > BUSY_TEXT_CAP ? `${text.slice(0, BUSY_TEXT_CAP - 1)}…` : text;
}
