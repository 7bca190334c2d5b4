// The heartbeat a Drover worker runtime publishes for the Busy view (KEYS.busyRecord / KEYS.busyIndex):
// what one process runs now. Written by workers/runtime/busy-heartbeat.ts, read by lib/workers/get-busy.ts.
import { z } from 'zod';

/** How often a runtime beats by default (DROVER_BUSY_HEARTBEAT_MS). */
export const BUSY_HEARTBEAT_MS = 5_000;
/** A record lives this many beats: one or two missed beats (a slow Redis, a GC pause) do not hide a process. */
export const BUSY_HEARTBEAT_TTL_BEATS = 3;
/** The shared index's expiry, refreshed by every beat: it goes only once no runtime of the prefix beats. */
export const BUSY_INDEX_TTL_MS = 10 * 60_000;
/** A runtime whose heartbeat expired (3 missed beats) is listed as gone this long after its last beat. */
export const GONE_KEPT_MS = 60 * 60_000;
/** Gone runtimes kept per connection at most (the most recent last beats). */
export const GONE_KEPT_MAX = 200;
/** Jobs one heartbeat lists (the oldest first); jobsTotal says how many ran. */
export const BUSY_RECORD_MAX_JOBS = 100;
/** Queues one heartbeat lists (by name, with their concurrency); queuesTotal says how many the process runs. */
export const BUSY_RECORD_MAX_QUEUES = 50;
/** Characters kept of a job name in a record. */
export const BUSY_TEXT_CAP = 200;
/**
 * Characters kept of a job id (BullMQ allows any length; the console's job routes refuse ids longer
 * than this, so a longer one is marked idTruncated and not linked).
 */
export const BUSY_ID_CAP = 512;
/** Bytes of JSON one record may take: jobs stop being listed there (jobsTotal still counts them). */
export const BUSY_RECORD_MAX_BYTES = 64 * 1024;
/** Bytes of a record the console reads at most (twice the writer's budget); larger ones are counted as unreadable. */
export const BUSY_RECORD_READ_MAX_BYTES = 128 * 1024;
/** Longest queue, worker or host name a record may carry. */
const NAME_MAX = 512;

/** JavaScript's largest Date (8.64e15 ms): a larger time breaks `new Date(t).toISOString()` where it is shown. */
export const BUSY_TIME_MAX = 8_640_000_000_000_000;

const name = z.string().max(NAME_MAX);
const time = z.number().int().min(0).max(BUSY_TIME_MAX);
const count = z.number().int().min(0).max(1e9);

export const busyRunningJobSchema = z.object({
  queue: name,
  id: z.string().max(BUSY_ID_CAP),
  /** the id was longer than BUSY_ID_CAP: this is its start, and the Busy view does not link it */
  idTruncated: z.boolean().optional(),
  name: z.string().max(BUSY_TEXT_CAP),
  /** when this run started (ms) */
  startedAt: time,
});
export type BusyRunningJob = z.infer<typeof busyRunningJobSchema>;

export const busyRecordSchema = z.object({
  /** random per runtime start (two runtimes of one process are two records) */
  runtimeId: z.string().max(64),
  /** "drover@host:pid", the BullMQ worker name (the jobs' processedBy) */
  workerName: name,
  host: name,
  pid: count,
  startedAt: time,
  beatAt: time,
  queues: z.array(name).max(BUSY_RECORD_MAX_QUEUES),
  /** how many queues the process runs (queues lists at most BUSY_RECORD_MAX_QUEUES) */
  queuesTotal: count.optional(),
  /** queue → jobs this process runs at once on it (the listed queues only) */
  concurrency: z.record(name, count).refine((c) => Object.keys(c).length <= BUSY_RECORD_MAX_QUEUES, `at most ${BUSY_RECORD_MAX_QUEUES} queues`),
  /** the runtime obeys the console's worker control (lib/worker-control); absent in older runtimes' records */
  controllable: z.boolean().optional(),
  /** running: takes jobs; quiet: finishes its running jobs, takes no new ones; stopping: exits once they end */
  state: z.enum(['running', 'quiet', 'stopping']).optional(),
  /** queues paused on this process only (the listed queues only) */
  paused: z.array(name).max(BUSY_RECORD_MAX_QUEUES).optional(),
  jobs: z.array(busyRunningJobSchema).max(BUSY_RECORD_MAX_JOBS),
  /** jobs running at the beat (jobs lists at most BUSY_RECORD_MAX_JOBS of them) */
  jobsTotal: count,
});
export type BusyRecord = z.infer<typeof busyRecordSchema>;

/** A time the Busy view can show (an epoch ms a Date holds), else null. */
export function busyTime(ms: number | null | undefined): number | null {
  return typeof ms === 'number' && time.safeParse(ms).success ? ms : null;
}

/** A job id as the Busy view carries it: whole up to BUSY_ID_CAP characters, else its start, marked. */
export function capId(id: string): { id: string; idTruncated?: true } {
  return id.length > BUSY_ID_CAP ? { id: id.slice(0, BUSY_ID_CAP), idTruncated: true } : { id };
}

export function capText(text: string): string {
  return text.length > BUSY_TEXT_CAP ? `${text.slice(0, BUSY_TEXT_CAP - 1)}…` : text;
}
