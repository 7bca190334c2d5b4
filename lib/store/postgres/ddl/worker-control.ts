// Migration 9: worker control (lib/worker-control). What every Drover runtime of a BullMQ schema applies
// to a queue, those started later too: a concurrency override and a local pause, as JSON
// {concurrency?, pausedLocally?}; and the last heartbeat of each runtime for the "gone" list. Control commands go by NOTIFY drover_control and their acks share
// drover.cancel_ack. Part of a migration: append-only once released.
export const WORKER_CONTROL_DDL = `
CREATE TABLE drover.worker_setting (
  schema_name text NOT NULL,
  queue       text NOT NULL,
  setting     text NOT NULL,
  PRIMARY KEY (schema_name, queue)
);

-- The last heartbeat of each runtime (as drover.busy_runtime's record), kept an hour after it: one whose
-- busy_runtime row expired is listed as gone. A graceful stop deletes both.
CREATE TABLE drover.busy_last (
  schema_name text   NOT NULL,
  runtime     text   NOT NULL,
  record      text   NOT NULL,
  beat_at     bigint NOT NULL,
  PRIMARY KEY (schema_name, runtime)
);
CREATE INDEX busy_last_beat_idx ON drover.busy_last (schema_name, beat_at);
`;
