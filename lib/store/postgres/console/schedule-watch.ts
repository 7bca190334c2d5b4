// The schedule watch in tables drover.schedule_watch (one row per watched scheduler) and
// drover.schedule_run (one row per run, the newest N per scheduler kept by the write that adds them).
import 'server-only';
import type { DroverDb } from '@/lib/store/postgres/drover-db';
import type { RunRow, ScheduleWatchStore } from '@/lib/store/console/schedule-watch';

const SQL = {
  WATCHED: `SELECT field, record FROM drover.schedule_watch WHERE conn = $1`,
  RECORD: `SELECT record FROM drover.schedule_watch WHERE conn = $1 AND field = $2`,
  SAVE: `INSERT INTO drover.schedule_watch (conn, field, record) SELECT $1, f, r FROM unnest($2::text[], $3::text[]) AS t(f, r)
         ON CONFLICT (conn, field) DO UPDATE SET record = excluded.record`,
  REMOVE: `DELETE FROM drover.schedule_watch WHERE conn = $1 AND field = ANY($2::text[])`,
  REMOVE_RUNS: `DELETE FROM drover.schedule_run WHERE conn = $1 AND field = ANY($2::text[])`,
  PUT_RUNS: `INSERT INTO drover.schedule_run (conn, field, due_at, record) SELECT $1, $2, d, r FROM unnest($3::bigint[], $4::text[]) AS t(d, r)
             ON CONFLICT (conn, field, due_at) DO UPDATE SET record = excluded.record`,
  TRIM_RUNS: `DELETE FROM drover.schedule_run WHERE conn = $1 AND field = $2 AND due_at < COALESCE(
                (SELECT due_at FROM drover.schedule_run WHERE conn = $1 AND field = $2 ORDER BY due_at DESC OFFSET $3 - 1 LIMIT 1), 0)`,
  RUNS: `SELECT record FROM drover.schedule_run WHERE conn = $1 AND field = $2 ORDER BY due_at DESC LIMIT $3`,
  FORGET_RUNS: `DELETE FROM drover.schedule_run WHERE conn = $1 AND field = $2`,
  FORGET: `DELETE FROM drover.schedule_watch WHERE conn = $1 AND field = $2`,
};

export class PostgresScheduleWatchStore implements ScheduleWatchStore {
  constructor(private readonly db: DroverDb) {}

  async watched(conn: string): Promise<Map<string, string>> {
    const rows = await this.db.rows<{ field: string; record: string }>(SQL.WATCHED, [conn]);
    return new Map(rows.map((r) => [r.field, r.record]));
  }

  async record(conn: string, field: string): Promise<string | null> {
    const [row] = await this.db.rows<{ record: string }>(SQL.RECORD, [conn, field]);
    return row?.record ?? null;
  }

  async saveWatch(conn: string, records: Array<[string, string]>, removed: string[]): Promise<void> {
    if (records.length === 0 && removed.length === 0) return;
    await this.db.tx(async (query) => {
      if (records.length) await query(SQL.SAVE, [conn, records.map((r) => r[0]), records.map((r) => r[1])]);
      if (removed.length) {
        await query(SQL.REMOVE, [conn, removed]);
        await query(SQL.REMOVE_RUNS, [conn, removed]);
      }
    });
  }

  async putRuns(conn: string, field: string, runs: RunRow[], keep: number): Promise<void> {
    if (runs.length === 0) return;
    await this.db.tx(async (query) => {
      await query(SQL.PUT_RUNS, [conn, field, runs.map((r) => r.due), runs.map((r) => r.json)]);
      await query(SQL.TRIM_RUNS, [conn, field, keep]);
    });
  }

  async runs(conn: string, field: string, limit: number): Promise<string[]> {
    return (await this.db.rows<{ record: string }>(SQL.RUNS, [conn, field, limit])).map((r) => r.record);
  }

  async forget(conn: string, field: string): Promise<boolean> {
    return this.db.tx(async (query) => {
      await query(SQL.FORGET_RUNS, [conn, field]);
      return ((await query(SQL.FORGET, [conn, field])).rowCount ?? 0) > 0;
    });
  }
}
