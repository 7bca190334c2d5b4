// Migration 8, "alert channels": tables drover.alert_channel and drover.alert_delivery
// (lib/store/postgres/console/alert-channels.ts). Part of a migration: append-only once released.
export const ALERT_CHANNELS_DDL = `
-- One row per paging channel; "record" is the JSON Redis keeps (lib/alerts/channels/channel.ts), secrets
-- included (never sent to a browser). At most 50 rows (MAX_CHANNELS).
CREATE TABLE drover.alert_channel (
  id     text NOT NULL PRIMARY KEY,
  record text NOT NULL
);
-- One row per notification to one channel (key: rule, target, episode, firing|resolved, channel), claimed
-- before it is sent so two console replicas never both send it. Times in ms; kept 7 days (expires_at),
-- deleted in bounded batches.
CREATE TABLE drover.alert_delivery (
  key           text    NOT NULL PRIMARY KEY,
  status        text    NOT NULL,
  holder        text    NOT NULL,
  tries         integer NOT NULL,
  claimed_until bigint  NOT NULL,
  retry_at      bigint  NOT NULL,
  error         text,
  expires_at    bigint  NOT NULL
);
CREATE INDEX alert_delivery_expires ON drover.alert_delivery (expires_at);
-- The episode of each firing target (key: rule and target), so every console names it alike; deleted when
-- the target resolves, else after 7 days.
CREATE TABLE drover.alert_episode (
  key        text   NOT NULL PRIMARY KEY,
  episode    bigint NOT NULL,
  expires_at bigint NOT NULL
);
CREATE INDEX alert_episode_expires ON drover.alert_episode (expires_at);
`;

// Migration 13, "channel test limits": table drover.alert_channel_test (the Test button's limits,
// lib/alerts/channels/test-limit.ts). Part of a migration: append-only once released. Idempotent (IF NOT
// EXISTS): a run stopped between the table and its index, or run again, completes rather than fails.
export const CHANNEL_TEST_LIMITS_DDL = `
-- One row per channel Test of the last minute (times in ms, the database's clock): one test per channel per 10 s and 20 per
-- minute for all channels, checked and added under one advisory lock; older rows deleted by each test.
CREATE TABLE IF NOT EXISTS drover.alert_channel_test (
  member     text   NOT NULL PRIMARY KEY,
  channel_id text   NOT NULL,
  at         bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS alert_channel_test_at ON drover.alert_channel_test (at);
`;
