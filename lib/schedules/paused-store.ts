// Paused schedules: BullMQ has no pause for a job scheduler, so the console keeps the exact definition
// with its own per-connection data (KEYS.pausedSchedulers in Connection.ownData: the connection's Redis,
// or the console's for a PostgreSQL connection) while the scheduler itself is removed.
import 'server-only';
import { z } from 'zod';
import { KEYS } from '@/lib/keys';
import type { Connection } from '@/lib/redis/connections';
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

function field(queue: string, id: string): string {
  // Queue names never contain ":", so the first ":" splits the field back.
  return `${queue}:${id}`;
}

function parse(queue: string, raw: string | null): PausedSchedule | null {
  if (!raw) return null;
  try {
    const parsed = storedSchema.safeParse(JSON.parse(raw));
    return parsed.success ? { ...parsed.data, queue } : null;
  } catch {
    return null;
  }
}

export async function getPausedSchedule(conn: Connection, queue: string, id: string): Promise<PausedSchedule | null> {
  const { redis, prefix } = conn.ownData;
  return parse(queue, await redis.hget(KEYS.pausedSchedulers(prefix), field(queue, id)));
}

/**
 * Which of `ids` have a paused copy in `queue` (one HMGET over the given ids). The worker runtime asks
 * this before upserting the schedulers declared in code, so a paused one stays paused across restarts.
 */
export async function pausedScheduleIds(conn: Pick<Connection, 'redis' | 'prefix'>, queue: string, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const values = await conn.redis.hmget(KEYS.pausedSchedulers(conn.prefix), ...ids.map((id) => field(queue, id)));
  return new Set(ids.filter((_, i) => values[i] !== null));
}

/** Stores the definition; false when a paused copy with this id already exists (nothing is overwritten). */
export async function storePausedSchedule(
  conn: Connection,
  queue: string,
  entry: Omit<PausedSchedule, 'queue'> & { scheduler: ScheduleDefinition },
): Promise<boolean> {
  const { redis, prefix } = conn.ownData;
  const added = await redis.hsetnx(KEYS.pausedSchedulers(prefix), field(queue, entry.scheduler.id), JSON.stringify(entry));
  return added === 1;
}

/** Replaces a paused copy (editing a paused schedule keeps it paused). */
export async function replacePausedSchedule(conn: Connection, queue: string, entry: Omit<PausedSchedule, 'queue'>): Promise<void> {
  const { redis, prefix } = conn.ownData;
  await redis.hset(KEYS.pausedSchedulers(prefix), field(queue, entry.scheduler.id), JSON.stringify(entry));
}

export async function removePausedSchedule(conn: Connection, queue: string, id: string): Promise<boolean> {
  const { redis, prefix } = conn.ownData;
  return (await redis.hdel(KEYS.pausedSchedulers(prefix), field(queue, id))) === 1;
}

/** Paused schedules of a connection (optionally one queue), bounded. */
export async function listPausedSchedules(conn: Connection, queue?: string): Promise<PausedSchedule[]> {
  const { redis, prefix } = conn.ownData;
  const key = KEYS.pausedSchedulers(prefix);
  const out: PausedSchedule[] = [];
  let cursor = '0';
  let read = 0;
  do {
    const [next, flat] = queue
      ? await redis.hscan(key, cursor, 'MATCH', `${queue.replace(/[*?[\]\\]/g, (c) => `\\${c}`)}:*`, 'COUNT', 500)
      : await redis.hscan(key, cursor, 'COUNT', 500);
    cursor = next;
    for (let i = 0; i < flat.length; i += 2) {
      const sep = flat[i].indexOf(':');
      const entry = parse(flat[i].slice(0, sep), flat[i + 1]);
      if (entry) out.push(entry);
    }
    read += flat.length / 2;
  } while (cursor !== '0' && read < MAX_LISTED);
  return out;
}
