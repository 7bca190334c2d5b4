// Migration 2, part "auth": users, sessions, API tokens and sign-in limits in schema "drover"
// (lib/store/postgres/console/*). Part of a migration: append-only once released.
export const AUTH_DDL = `
-- One row per console user; the record is the same JSON Redis keeps (lib/auth/user-schema.ts), as text so
-- a compare-and-swap compares exactly what was read.
CREATE TABLE drover.console_user (
  email      text   PRIMARY KEY,
  record     text   NOT NULL,
  updated_at bigint NOT NULL
);

-- Live sessions (the sid in each session's JWT): at most 50 per user, the oldest dropped at each sign-in;
-- expired rows of any user deleted 100 per sign-in (Redis expires a user's key instead). isSessionLive,
-- on every request, is one probe of the primary key.
CREATE TABLE drover.session (
  email      text   NOT NULL,
  sid        text   NOT NULL,
  expires_at bigint NOT NULL,
  PRIMARY KEY (email, sid)
);
CREATE INDEX session_expiry_idx ON drover.session (expires_at);

-- API tokens by the SHA-256 of the token (the token itself is never stored). name_key (the name, NFKC,
-- lower-case) is unique: one live token per name across all admins; revoking deletes the row.
CREATE TABLE drover.api_token (
  hash         text   PRIMARY KEY,
  id           text   NOT NULL UNIQUE,
  name_key     text   NOT NULL UNIQUE,
  record       text   NOT NULL,
  created_at   bigint NOT NULL,
  last_used_at bigint
);
CREATE INDEX api_token_created_idx ON drover.api_token (created_at DESC, id);

-- Sign-in failures (and attempts being checked) per window key: "ip:<address or /64>" or "account:<email>".
-- A reservation deletes its keys' rows older than the window (at most 10 rows per key stay in it) and
-- up to 100 stale rows of any key, so windows never charged again cannot grow the table without bound.
CREATE TABLE drover.signin_failure (
  key    text   NOT NULL,
  member text   NOT NULL,
  at     bigint NOT NULL,
  PRIMARY KEY (key, member)
);
CREATE INDEX signin_failure_time_idx ON drover.signin_failure (at);
`;
