// Migration 7, "schedule watch": tables drover.schedule_watch and drover.schedule_run
// (lib/store/postgres/console/schedule-watch.ts). Part of a migration: append-only once released.
export const SCHEDULE_WATCH_DDL = `
-- One row per job scheduler the watch round has seen (lib/schedules/watch): "field" is "<queue>\\n<id>",
-- "record" the JSON the Redis hash keeps (next run, status, missed count…). Deleted when Drover deletes
-- or pauses the scheduler, when an operator forgets it, or 7 days after it disappeared.
CREATE TABLE drover.schedule_watch (
  conn   text NOT NULL,
  field  text NOT NULL,
  record text NOT NULL,
  PRIMARY KEY (conn, field)
);
-- One row per run of a watched scheduler (due time, enqueued, started, finished, outcome as JSON), the
-- newest 50 per scheduler kept by the write that adds them.
CREATE TABLE drover.schedule_run (
  conn   text   NOT NULL,
  field  text   NOT NULL,
  due_at bigint NOT NULL,
  record text   NOT NULL,
  PRIMARY KEY (conn, field, due_at)
);
`;
