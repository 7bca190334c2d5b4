// A scheduler's recorded runs (due, enqueued, started, finished, outcome), newest first, for the
// schedules page and GET …/schedulers/{id}/runs.
import 'server-only';
import { getConnection } from '@/lib/redis/connections';
import { assertQueueExists } from '@/lib/queues/assert-queue-exists';
import { scheduleWatchStore, watchField } from '@/lib/store/console/schedule-watch';
import { healthOf, parseRun, parseWatchRecord, type ScheduleHealth, type ScheduleRun } from './watch-record';
import { SCHEDULE_RUNS_KEPT } from './settings';

export type ScheduleRuns = { health: ScheduleHealth | null; runs: ScheduleRun[] };

export async function readScheduleRuns(t: { conn: string; queue: string; schedulerId: string }, limit = SCHEDULE_RUNS_KEPT): Promise<ScheduleRuns> {
  const conn = getConnection(t.conn);
  const store = scheduleWatchStore();
  const field = watchField(t.queue, t.schedulerId);
  const [raw, record] = await Promise.all([store.runs(conn.name, field, Math.min(limit, SCHEDULE_RUNS_KEPT)), store.record(conn.name, field)]);
  const parsed = record ? parseWatchRecord(record) : null;
  // Nothing recorded: an unknown queue answers 404 by name (a known one: no runs yet).
  if (!record && raw.length === 0) await assertQueueExists(conn, t.queue);
  return { health: parsed ? healthOf(parsed) : null, runs: raw.map(parseRun).filter((r): r is ScheduleRun => r !== null) };
}
