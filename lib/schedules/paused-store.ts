// Paused schedules: BullMQ has no pause for a job scheduler, so the console keeps the exact definition
// with its own per-connection data (Connection.records: KEYS.pausedSchedulers in the connection's Redis,
// or drover.paused_schedule in a PostgreSQL connection's database) while the scheduler itself is removed.
// Not server-only: the worker runtime asks which of its code-defined schedulers are paused.
import { z } from 'zod';
import type { ConnectionRecords } from '@/lib/store/connection-records';
import type { ScheduleDefinition } from './types';

const storedSchema = z.object({
  scheduler: z.object({
    id: z.string(),
    pattern: z.string().optional(),
    every: z.number().optional(),
    tz: z.string().optional(),
    startDate: z.number().optional(),
    endDate: z.number().optional(),
    limit: z.number().optional(),
    offset: z.number().optional(),
    iterationCount: z.number().optional(),
    template: z.object({ name: z.string(), data: z.unknown().optional(), opts: z.record(z.string(), z.unknown()).optional() }),
  }),
  /** jobs the scheduler produced that were not cancelled by the pause (its pending delayed job is) */
  iterationsDone: z.number(),
  /** when paused, by whom, and the next run it had then */
  pausedAt: z.number(),
  pausedBy: z.string(),
  nextAtPause: z.number().nullable(),
});
export type PausedSchedule = z.infer<typeof storedSchema> & { queue: string };

/** How many paused entries one listing reads per connection (HSCAN pages until this many). */
const MAX_LISTED = 5000;

function parse(queue: string, raw: string | null): PausedSchedule | null {
  if (!raw) return null;
  try {
    const parsed = storedSchema.safeParse(JSON.parse(raw));
    return parsed.success ? { ...parsed.data, queue } : null;
  } catch {
    return null;
  }
}

/** The connection's records (Connection.records, or the runtime's own). */
type HasRecords = { records: ConnectionRecords };

export async function getPausedSchedule(conn: HasRecords, queue: string, id: string): Promise<PausedSchedule | null> {
  return parse(queue, await conn.records.pausedSchedule(queue, id));
}

/**
 * Which of `ids` have a paused copy in `queue`. The worker runtime asks this before upserting the
 * schedulers declared in code, so a paused one stays paused across restarts.
 */
export async function pausedScheduleIds(conn: HasRecords, queue: string, ids: string[]): Promise<Set<string>> {
  return conn.records.pausedScheduleIds(queue, ids);
}

/** Stores the definition; false when a paused copy with this id already exists (nothing is overwritten). */
export async function storePausedSchedule(
  conn: HasRecords,
  queue: string,
  entry: Omit<PausedSchedule, 'queue'> & { scheduler: ScheduleDefinition },
): Promise<boolean> {
  return conn.records.storePausedSchedule(queue, entry.scheduler.id, JSON.stringify(entry));
}

/** Replaces a paused copy (editing a paused schedule keeps it paused). */
export async function replacePausedSchedule(conn: HasRecords, queue: string, entry: Omit<PausedSchedule, 'queue'>): Promise<void> {
  await conn.records.replacePausedSchedule(queue, entry.scheduler.id, JSON.stringify(entry));
}

export async function removePausedSchedule(conn: HasRecords, queue: string, id: string): Promise<boolean> {
  return conn.records.removePausedSchedule(queue, id);
}

/** Paused schedules of a connection (optionally one queue), bounded. */
export async function listPausedSchedules(conn: HasRecords, queue?: string): Promise<PausedSchedule[]> {
  const out: PausedSchedule[] = [];
  for (const { queue: q, json } of await conn.records.listPausedSchedules(queue, MAX_LISTED)) {
    const entry = parse(q, json);
    if (entry) out.push(entry);
  }
  return out;
}
