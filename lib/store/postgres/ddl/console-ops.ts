// Migration 2, part "console operations": audit, alerts, metric samples, the sampler's lease and bulk
// progress in schema "drover" (lib/store/postgres/console/*). Part of a migration: append-only once released.
export const CONSOLE_OPS_DDL = `
-- The audit log, newest by id; capped (DROVER_AUDIT_MAX_ENTRIES) by deleting the oldest ids in batches.
-- Refusals of one (actor, action, outcome) within 10 minutes aggregate into one entry (repeat_*); "at" is the
-- entry's first time, and "<at>-<id>" the id the audit page shows and continues from.
CREATE TABLE drover.audit (
  id           bigserial PRIMARY KEY,
  at           bigint    NOT NULL,
  entry        text      NOT NULL,
  repeat_count integer,
  repeat_first bigint,
  repeat_last  bigint
);
-- The audit page's time filters (from/to) without walking every older row.
CREATE INDEX audit_time_idx ON drover.audit (at);
CREATE TABLE drover.audit_aggregate (
  digest     text   PRIMARY KEY,
  audit_id   bigint NOT NULL,
  expires_at bigint NOT NULL
);
CREATE INDEX audit_aggregate_expiry_idx ON drover.audit_aggregate (expires_at);

-- Alert rules (webhook URLs included: never sent to browsers), their state, and history (500 kept).
CREATE TABLE drover.alert_rule (
  id   text PRIMARY KEY,
  rule text NOT NULL
);
CREATE TABLE drover.alert_state (
  id    text PRIMARY KEY,
  state text NOT NULL
);
CREATE TABLE drover.alert_history (
  id    bigserial PRIMARY KEY,
  entry text      NOT NULL
);

-- Depth samples per queue: resolution 10 (seconds) or 60, kept as long as on Redis (retention deletes by
-- (res, t) in bounded batches). "sample" is the JSON array of the stream entry's field/value pairs (lib/metrics/sample.ts).
CREATE TABLE drover.metric_sample (
  conn   text     NOT NULL,
  queue  text     NOT NULL,
  res    smallint NOT NULL,
  t      bigint   NOT NULL,
  sample text     NOT NULL,
  PRIMARY KEY (conn, queue, res, t)
);
CREATE INDEX metric_sample_time_idx ON drover.metric_sample (res, t);

-- Leases (the metrics sampler's): one holder until expires_at, renewed by the holder only.
CREATE TABLE drover.lease (
  name       text   PRIMARY KEY,
  holder     text   NOT NULL,
  expires_at bigint NOT NULL
);

-- Progress of long bulk operations, kept an hour after the last update.
CREATE TABLE drover.operation (
  id         text    PRIMARY KEY,
  done       bigint  NOT NULL,
  total      bigint  NOT NULL,
  phase      text    NOT NULL,
  finished   boolean NOT NULL,
  updated_at bigint  NOT NULL,
  expires_at bigint  NOT NULL
);
CREATE INDEX operation_expiry_idx ON drover.operation (expires_at);
`;
