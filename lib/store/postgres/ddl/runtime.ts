// Migration 2, part "runtime": what Drover keeps per PostgreSQL queue connection beside BullMQ's schema
// (on Redis: beside the queues under their prefix): attempt history, Busy heartbeats, receivers' pauses,
// cancel acknowledgements, paused schedules (no seed marker: `npm run seed` writes to Redis only). Read and
// written by lib/store/postgres/connection-records.ts. Part of a migration: append-only once released.
export const RUNTIME_DDL = `
-- Attempt records of a job, newest first by seq; 25 kept per job, 14 days after the last write. A run
-- is (attempt, started_at): its end replaces its "running" record in place.
CREATE TABLE drover.job_attempt (
  schema_name text    NOT NULL,
  queue       text    NOT NULL,
  job_id      text    NOT NULL,
  seq         bigserial,
  attempt     integer NOT NULL,
  started_at  bigint  NOT NULL,
  record      text    NOT NULL,
  expires_at  bigint  NOT NULL,
  PRIMARY KEY (schema_name, queue, job_id, seq)
);
CREATE INDEX job_attempt_expiry_idx ON drover.job_attempt (expires_at);

-- Busy: one heartbeat per worker runtime process, expiring unless renewed (times in the database's clock).
CREATE TABLE drover.busy_runtime (
  schema_name text   NOT NULL,
  runtime     text   NOT NULL,
  record      text   NOT NULL,
  expires_at  bigint NOT NULL,
  PRIMARY KEY (schema_name, runtime)
);

-- A receiver ("host:port") that answered 429: that queue's jobs for it wait until the pause ends (the
-- database's clock).
CREATE TABLE drover.peer_pause (
  schema_name text   NOT NULL,
  queue       text   NOT NULL,
  peer        text   NOT NULL,
  until_at    bigint NOT NULL,
  PRIMARY KEY (schema_name, queue, peer)
);

-- Worker acknowledgements of one cancel request (the request itself goes by NOTIFY drover_cancel; the
-- listeners are counted by the shared advisory lock each holds per queue while it listens).
CREATE TABLE drover.cancel_ack (
  request    text   NOT NULL,
  seq        bigserial,
  ack        text   NOT NULL,
  expires_at bigint NOT NULL,
  PRIMARY KEY (request, seq)
);
CREATE INDEX cancel_ack_expiry_idx ON drover.cancel_ack (expires_at);

-- Paused job schedulers: BullMQ's scheduler removed while paused, its definition kept here to resume.
CREATE TABLE drover.paused_schedule (
  schema_name text NOT NULL,
  queue       text NOT NULL,
  id          text NOT NULL,
  definition  text NOT NULL,
  PRIMARY KEY (schema_name, queue, id)
);

`;
