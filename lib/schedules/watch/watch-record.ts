// The JSON the schedule watch keeps per scheduler and per run (lib/store/console/schedule-watch.ts),
// validated when read back so a record from an older Drover or a hand edit cannot break the page.
import { z } from 'zod';
import { SCHEDULE_STATUSES } from './schedule-status';

export const RUN_OUTCOMES = ['completed', 'failed', 'running', 'waiting', 'missed', 'removed'] as const;
export type RunOutcome = (typeof RUN_OUTCOMES)[number];

const ms = z.number().finite().nullable();

export const scheduleRunSchema = z.object({
  due: z.number().finite(),
  /** "repeat:<id>:<due>" when a job was made for the run, null for a run nothing was made for */
  jobId: z.string().nullable(),
  enqueuedAt: ms,
  startedAt: ms,
  finishedAt: ms,
  outcome: z.enum(RUN_OUTCOMES),
});
export type ScheduleRun = z.infer<typeof scheduleRunSchema>;

export const watchRecordSchema = z.object({
  next: ms,
  def: z.object({
    pattern: z.string().optional(),
    every: z.number().optional(),
    tz: z.string().optional(),
    endDate: z.number().optional(),
    limit: z.number().optional(),
    iterationCount: z.number().optional(),
  }),
  status: z.enum(SCHEDULE_STATUSES),
  missedCount: z.number(),
  missedCapped: z.boolean(),
  missedSince: ms,
  lateByMs: ms,
  checkedAt: z.number(),
  /** the last round that found the scheduler in the store */
  lastSeenAt: z.number(),
  /** set while the scheduler is gone: the first round that no longer found it */
  goneAt: ms.optional(),
  /** due times of runs whose job had not finished when settled: read again next round */
  open: z.array(z.number()),
  /** the last settled run, for "late" */
  last: z.object({ due: z.number(), startedAt: ms }).nullable(),
});
export type WatchRecord = z.infer<typeof watchRecordSchema>;

export function parseWatchRecord(json: string): WatchRecord | null {
  try {
    const parsed = watchRecordSchema.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export function parseRun(json: string): ScheduleRun | null {
  try {
    const parsed = scheduleRunSchema.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** The health a schedule row shows (lib/schedules/types.ts Schedule.health). */
export type ScheduleHealth = Pick<WatchRecord, 'status' | 'missedCount' | 'missedCapped' | 'missedSince' | 'lateByMs' | 'checkedAt'> & { goneAt?: number | null };

export function healthOf(r: WatchRecord): ScheduleHealth {
  return { status: r.status, missedCount: r.missedCount, missedCapped: r.missedCapped, missedSince: r.missedSince, lateByMs: r.lateByMs, checkedAt: r.checkedAt, ...(r.goneAt ? { goneAt: r.goneAt } : {}) };
}

export const scheduleHealthSchema = watchRecordSchema.pick({ status: true, missedCount: true, missedCapped: true, missedSince: true, lateByMs: true, checkedAt: true }).extend({ goneAt: ms.optional() });

/** GET …/schedulers/{id}/runs: the scheduler's health as of the last watch round and its runs, newest first. */
export const scheduleRunsSchema = z.object({ health: scheduleHealthSchema.nullable(), runs: z.array(scheduleRunSchema) });

export const scheduleRunsQuerySchema = z.object({ limit: z.coerce.number().int().min(1).max(50).default(50) });
