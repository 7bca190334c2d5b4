// Migration 2, part "runtime": what Drover keeps per PostgreSQL queue connection beside BullMQ's schema
// (on Redis: beside the queues under their prefix): attempt history, Busy heartbeats, receivers' pauses,
// cancel acknowledgements, paused schedules, the seed marker. Part of a migration: append-only once released.
export const RUNTIME_DDL = `
-- Attempt records of a job, newest first by seq; 25 kept per job, 14 days after the last write.
CREATE TABLE drover.job_attempt (
  schema_name text   NOT NULL,
  queue       text   NOT NULL,
  job_id      text   NOT NULL,
  seq         bigserial,
  record      text   NOT NULL,
  expires_at  bigint NOT NULL,
  PRIMARY KEY (schema_name, queue, job_id, seq)
);
CREATE INDEX job_attempt_expiry_idx ON drover.job_attempt (expires_at);

-- Busy: one heartbeat per worker runtime process, expiring unless renewed.
CREATE TABLE drover.busy_runtime (
  schema_name text   NOT NULL,
  runtime     text   NOT NULL,
  record      text   NOT NULL,
  expires_at  bigint NOT NULL,
  PRIMARY KEY (schema_name, runtime)
);

-- A receiver ("host:port") that answered 429: that queue's jobs for it wait until the pause ends.
CREATE TABLE drover.peer_pause (
  schema_name text   NOT NULL,
  queue       text   NOT NULL,
  peer        text   NOT NULL,
  until_at    bigint NOT NULL,
  PRIMARY KEY (schema_name, queue, peer)
);

-- Worker acknowledgements of one cancel request (the request itself goes by NOTIFY drover_cancel).
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

-- "npm run seed --if-empty" seeded this schema once.
CREATE TABLE drover.seeded (
  schema_name text   PRIMARY KEY,
  at          bigint NOT NULL
);
`;
