// What the schedule watch (lib/schedules/watch) keeps: per connection, one record per watched scheduler
// (field "<queue>\n<id>", JSON of lib/schedules/watch/watch-record.ts) and each scheduler's last runs
// keyed by due time. Redis: a hash per connection and a sorted set per scheduler; PostgreSQL: tables
// drover.schedule_watch and drover.schedule_run (migration 7).
import 'server-only';
import { consolePart } from './part';
import { RedisScheduleWatchStore } from '@/lib/store/redis/console/schedule-watch';
import { PostgresScheduleWatchStore } from '@/lib/store/postgres/console/schedule-watch';

export type RunRow = { due: number; json: string };

export interface ScheduleWatchStore {
  /** Every watch record of a connection, field "<queue>\n<id>" → JSON. */
  watched(conn: string): Promise<Map<string, string>>;
  /** One scheduler's watch record JSON, or null. */
  record(conn: string, field: string): Promise<string | null>;
  /** Writes records and removes the fields given (with their runs), in one step. */
  saveWatch(conn: string, records: Array<[field: string, json: string]>, removed: string[]): Promise<void>;
  /** Writes runs (a run already kept with the same due time is replaced), then keeps the newest `keep`. */
  putRuns(conn: string, field: string, runs: RunRow[], keep: number): Promise<void>;
  /** The newest runs first, at most `limit`. */
  runs(conn: string, field: string, limit: number): Promise<string[]>;
  /** Drops a scheduler's watch record and runs; true when there was a record. */
  forget(conn: string, field: string): Promise<boolean>;
}

/** The field of a scheduler in its connection's watch records. */
export function watchField(queue: string, id: string): string {
  return `${queue}\n${id}`;
}

/** A watch field's queue and scheduler id (the queue ends at the first line break: watched queue names hold none). */
export function splitWatchField(field: string): [queue: string, id: string] {
  const nl = field.indexOf('\n');
  return [field.slice(0, nl), field.slice(nl + 1)];
}

export const scheduleWatchStore = consolePart<ScheduleWatchStore>({
  redis: (conn) => new RedisScheduleWatchStore(conn),
  postgres: (conn) => new PostgresScheduleWatchStore(conn.drover),
});
