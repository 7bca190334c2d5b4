// Drover's own schema on a PostgreSQL connection ("drover"): the tables of what Drover keeps beside
// BullMQ's (the dead-letter queue first), created and upgraded by Drover itself with versioned
// migrations, run once per process before the first statement, under an advisory lock so replicas and
// worker processes starting together never race. BullMQ's schema is never touched here (lib/store/postgres/pg-pool.ts).
// Not server-only: the worker runtime migrates it too when it captures dead letters.
import type pg from 'pg';
import { UnavailableError } from '@/lib/errors';
import { AUTH_DDL } from './ddl/auth';
import { CONSOLE_OPS_DDL } from './ddl/console-ops';
import { RUNTIME_DDL } from './ddl/runtime';
import { VIEWS_DDL } from './ddl/views';
import { PERMISSIONS_DDL } from './ddl/permissions';
import { LINKS_DDL } from './ddl/links';
import { SCHEDULE_WATCH_DDL } from './ddl/schedule-watch';
import { ALERT_CHANNELS_DDL, CHANNEL_TEST_LIMITS_DDL } from './ddl/alert-channels';
import { WORKER_CONTROL_DDL } from './ddl/worker-control';
import { OBJECTIVES_DDL } from './ddl/objectives';
import { CIRCUITS_DDL } from './ddl/circuits';
import { CIRCUITS_HELD_DDL } from './ddl/circuits-held';
import { holdClient } from './held-client';

export const DROVER_SCHEMA = 'drover';

/** pg_advisory_lock key of Drover's migrations (any bigint; "drover" in ASCII). */
const MIGRATION_LOCK = 0x64726f766572;

export type DroverMigration = { version: number; name: string; sql: string };

/** Append only: a released migration is never edited, a change is a new version. */
export const DROVER_MIGRATIONS: DroverMigration[] = [
  {
    version: 1,
    name: 'dead letters',
    sql: `
-- One row per dead letter. "dlq" names the dead-letter queue: "<BullMQ schema>/<dead-letter queue>", so
-- two BullMQ schemas in one database (or two DLQ names) keep apart. The envelope is the JSON Drover's
-- export and requeue read (lib/dlq/envelope.ts), payload included; the columns beside it are the
-- payload-free facts the pages list and filter by.
CREATE TABLE drover.dead_letter (
  dlq              text    NOT NULL,
  id               text    NOT NULL,
  queue            text    NOT NULL,
  job_id           text    NOT NULL,
  name             text    NOT NULL,
  failed_reason    text    NOT NULL,
  stacktrace       jsonb   NOT NULL DEFAULT '[]'::jsonb,
  attempts_made    integer NOT NULL,
  attempts_started integer NOT NULL,
  job_timestamp    bigint,
  processed_on     bigint,
  failed_at        bigint  NOT NULL,
  processed_by     text,
  captured_at      bigint  NOT NULL,
  captured_by      text    NOT NULL,
  opts             jsonb   NOT NULL DEFAULT '{}'::jsonb,
  envelope         text    NOT NULL,
  envelope_bytes   integer NOT NULL,
  group_id         text    NOT NULL,
  grouping_version integer NOT NULL,
  attempts         jsonb,
  log_count        integer,
  logs             jsonb,
  claim_token      text,
  claimed_until    bigint,
  PRIMARY KEY (dlq, id)
);
CREATE INDEX dead_letter_time_idx ON drover.dead_letter (dlq, failed_at DESC, id DESC);
CREATE INDEX dead_letter_group_idx ON drover.dead_letter (dlq, group_id, failed_at DESC, id DESC);
CREATE INDEX dead_letter_queue_idx ON drover.dead_letter (dlq, queue, failed_at DESC, id DESC);
CREATE INDEX dead_letter_name_idx ON drover.dead_letter (dlq, name, failed_at DESC, id DESC);
CREATE INDEX dead_letter_grouping_idx ON drover.dead_letter (dlq, grouping_version);

-- Every failure captured, while its origin job may still be failed by that attempt: what makes a
-- capture happen once even after its dead letter was requeued, purged or expired (on Redis, the marker
-- field on the origin job). The retention pass drops entries whose origin moved on or is gone.
CREATE TABLE drover.dead_letter_capture (
  dlq           text    NOT NULL,
  id            text    NOT NULL,
  queue         text    NOT NULL,
  job_id        text    NOT NULL,
  attempts_made integer NOT NULL,
  failed_at     bigint  NOT NULL,
  captured_at   bigint  NOT NULL,
  PRIMARY KEY (dlq, id)
);
CREATE INDEX dead_letter_capture_time_idx ON drover.dead_letter_capture (dlq, captured_at, id);

-- An error group's normalized pattern and first raw reason (its members are the rows with its id).
CREATE TABLE drover.dead_letter_group (
  dlq      text NOT NULL,
  group_id text NOT NULL,
  pattern  text NOT NULL,
  sample   text NOT NULL,
  PRIMARY KEY (dlq, group_id)
);

-- Dead letters per error group and per origin queue, kept by the triggers below in the statement that
-- changes the rows: the page's groups, sizes and the overview read them without counting rows.
CREATE TABLE drover.dead_letter_group_count (
  dlq      text   NOT NULL,
  group_id text   NOT NULL,
  count    bigint NOT NULL,
  PRIMARY KEY (dlq, group_id)
);
CREATE INDEX dead_letter_group_count_idx ON drover.dead_letter_group_count (dlq, count DESC, group_id);
CREATE TABLE drover.dead_letter_queue_count (
  dlq   text   NOT NULL,
  queue text   NOT NULL,
  count bigint NOT NULL,
  PRIMARY KEY (dlq, queue)
);
CREATE INDEX dead_letter_queue_count_idx ON drover.dead_letter_queue_count (dlq, count DESC, queue);

CREATE FUNCTION drover.dead_letter_inserted() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  INSERT INTO drover.dead_letter_group_count AS c (dlq, group_id, count)
    SELECT dlq, group_id, count(*) FROM new_rows GROUP BY dlq, group_id
    ON CONFLICT (dlq, group_id) DO UPDATE SET count = c.count + excluded.count;
  INSERT INTO drover.dead_letter_queue_count AS c (dlq, queue, count)
    SELECT dlq, queue, count(*) FROM new_rows GROUP BY dlq, queue
    ON CONFLICT (dlq, queue) DO UPDATE SET count = c.count + excluded.count;
  RETURN NULL;
END $fn$;

CREATE FUNCTION drover.dead_letter_deleted() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  UPDATE drover.dead_letter_group_count c SET count = c.count - d.n
    FROM (SELECT dlq, group_id, count(*) AS n FROM old_rows GROUP BY dlq, group_id) d
    WHERE c.dlq = d.dlq AND c.group_id = d.group_id;
  UPDATE drover.dead_letter_queue_count c SET count = c.count - d.n
    FROM (SELECT dlq, queue, count(*) AS n FROM old_rows GROUP BY dlq, queue) d
    WHERE c.dlq = d.dlq AND c.queue = d.queue;
  DELETE FROM drover.dead_letter_group_count c USING (SELECT DISTINCT dlq, group_id FROM old_rows) d
    WHERE c.dlq = d.dlq AND c.group_id = d.group_id AND c.count <= 0;
  DELETE FROM drover.dead_letter_queue_count c USING (SELECT DISTINCT dlq, queue FROM old_rows) d
    WHERE c.dlq = d.dlq AND c.queue = d.queue AND c.count <= 0;
  RETURN NULL;
END $fn$;

-- Re-grouping moves rows between groups.
CREATE FUNCTION drover.dead_letter_regrouped() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  UPDATE drover.dead_letter_group_count c SET count = c.count - d.n
    FROM (SELECT o.dlq, o.group_id, count(*) AS n FROM old_rows o JOIN new_rows n ON n.dlq = o.dlq AND n.id = o.id
          WHERE n.group_id <> o.group_id GROUP BY o.dlq, o.group_id) d
    WHERE c.dlq = d.dlq AND c.group_id = d.group_id;
  INSERT INTO drover.dead_letter_group_count AS c (dlq, group_id, count)
    SELECT n.dlq, n.group_id, count(*) FROM new_rows n JOIN old_rows o ON o.dlq = n.dlq AND o.id = n.id
    WHERE n.group_id <> o.group_id GROUP BY n.dlq, n.group_id
    ON CONFLICT (dlq, group_id) DO UPDATE SET count = c.count + excluded.count;
  DELETE FROM drover.dead_letter_group_count c USING (SELECT DISTINCT dlq, group_id FROM old_rows) d
    WHERE c.dlq = d.dlq AND c.group_id = d.group_id AND c.count <= 0;
  RETURN NULL;
END $fn$;

CREATE TRIGGER dead_letter_inserted AFTER INSERT ON drover.dead_letter
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION drover.dead_letter_inserted();
CREATE TRIGGER dead_letter_deleted AFTER DELETE ON drover.dead_letter
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION drover.dead_letter_deleted();
CREATE TRIGGER dead_letter_regrouped AFTER UPDATE ON drover.dead_letter
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION drover.dead_letter_regrouped();

-- Counters that only grow (captured − requeued − purged − expired ≈ dead letters now).
CREATE TABLE drover.dead_letter_stats (
  dlq      text   PRIMARY KEY,
  captured bigint NOT NULL DEFAULT 0,
  requeued bigint NOT NULL DEFAULT 0,
  purged   bigint NOT NULL DEFAULT 0,
  expired  bigint NOT NULL DEFAULT 0
);

-- The capture sweep's position per origin queue (finished_at_ms of the last failed job looked at).
CREATE TABLE drover.dead_letter_watermark (
  dlq   text   NOT NULL,
  queue text   NOT NULL,
  mark  bigint NOT NULL,
  PRIMARY KEY (dlq, queue)
);
`,
  },
  {
    version: 2,
    name: 'console data and worker records',
    // Drover's own data when the console connection is PostgreSQL, and the workers' records of a
    // PostgreSQL queue connection (one file per part, lib/store/postgres/ddl).
    sql: AUTH_DDL + CONSOLE_OPS_DDL + RUNTIME_DDL,
  },
  {
    version: 3,
    name: 'saved views',
    sql: VIEWS_DDL,
  },
  {
    version: 4,
    name: 'operation target',
    // The queue (or connection) a bulk operation acts on: who may follow or control it (README › Team scopes).
    sql: `
ALTER TABLE drover.operation ADD COLUMN conn text, ADD COLUMN queue text;
`,
  },
  {
    version: 5,
    name: 'withheld operations',
    sql: PERMISSIONS_DDL,
  },
  {
    version: 6,
    name: 'link templates',
    sql: LINKS_DDL,
  },
  {
    version: 7,
    name: 'schedule watch',
    sql: SCHEDULE_WATCH_DDL,
  },
  {
    version: 8,
    name: 'alert channels',
    sql: ALERT_CHANNELS_DDL,
  },
  {
    version: 9,
    name: 'worker control',
    sql: WORKER_CONTROL_DDL,
  },
  {
    version: 10,
    name: 'queue objectives',
    sql: OBJECTIVES_DDL,
  },
  {
    version: 11,
    name: 'circuit breakers',
    sql: CIRCUITS_DDL,
  },
  {
    version: 12,
    name: 'circuit breakers: held records indexed apart, capped',
    sql: CIRCUITS_HELD_DDL,
  },
  {
    version: 13,
    name: 'channel test limits',
    sql: CHANNEL_TEST_LIMITS_DDL,
  },
];

export const DROVER_SCHEMA_VERSION = DROVER_MIGRATIONS[DROVER_MIGRATIONS.length - 1].version;

type Client = Pick<pg.PoolClient, 'query' | 'release' | 'on' | 'off'>;

/** How long a process waits for another one's migration before it gives up (and retries on the next use). */
const LOCK_WAIT_MS = 30_000;
type Connectable = { connect(): Promise<Client> };

function permissionHint(err: unknown, where: string): Error {
  const e = err as { code?: string; message?: string };
  if (e?.code === '42501') {
    return new UnavailableError(
      `${where}: Drover could not create or upgrade its own schema "${DROVER_SCHEMA}" (${String(e.message).split('\n')[0].slice(0, 160)}). ` +
        `Grant Drover's role CREATE on the database (GRANT CREATE ON DATABASE <db> TO <role>), or create the schema for it (CREATE SCHEMA ${DROVER_SCHEMA} AUTHORIZATION <role>)`,
    );
  }
  return err as Error;
}

/**
 * Brings schema "drover" to this Drover's version: creates it and the ledger when missing, then applies
 * each missing migration in its own transaction, all under one advisory lock (a second process waits,
 * then finds nothing to do). A schema newer than this Drover is refused with both versions named.
 */
export async function migrateDroverSchema(pool: Connectable, where: string, opts: { readOnly?: boolean } = {}): Promise<{ from: number; to: number }> {
  const client = await pool.connect();
  let failure: Error | undefined;
  // Held across awaits (the lock is polled): a server gone meanwhile is caught (held-client.ts).
  const held = holdClient(client);
  try {
    // A migration may take longer than a console statement may.
    await client.query('SET statement_timeout = 0');
    // The lock is polled (never a blocking wait a client-side time-out could abandon while still queued).
    const deadline = Date.now() + LOCK_WAIT_MS;
    while (!(await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [MIGRATION_LOCK])).rows[0].ok) {
      if (Date.now() > deadline) throw new UnavailableError(`${where}: another Drover process has been migrating Drover's schema "${DROVER_SCHEMA}" for over ${LOCK_WAIT_MS / 1000} s; try again in a moment`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    return await migrateLocked(client, where, opts);
  } catch (err) {
    failure = err as Error;
    throw permissionHint(err, where);
  } finally {
    if (!failure) {
      try {
        await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
        await client.query('RESET statement_timeout');
      } catch (err) {
        failure = err as Error;
      }
    }
    // A connection in an unknown state (an aborted transaction, the lock maybe held) is closed, not pooled.
    held.done();
    client.release(failure ?? held.error());
  }
}

async function migrateLocked(client: Client, where: string, opts: { readOnly?: boolean }): Promise<{ from: number; to: number }> {
  const present = await client.query<{ exists: boolean }>(`SELECT to_regclass('${DROVER_SCHEMA}.migration') IS NOT NULL AS exists`);
  const versionNow = async () => Number((await client.query<{ v: number | null }>(`SELECT max(version) AS v FROM ${DROVER_SCHEMA}.migration`)).rows[0].v ?? 0);
  if (opts.readOnly) {
    // A read-only connection: Drover creates and changes nothing in its database, its own schema included.
    const version = present.rows[0].exists ? await versionNow() : 0;
    if (version !== DROVER_SCHEMA_VERSION) {
      throw new UnavailableError(
        `${where} is read-only, and Drover's schema "${DROVER_SCHEMA}" there is ${version === 0 ? 'missing' : `at version ${version}, not ${DROVER_SCHEMA_VERSION}`}: Drover creates or upgrades it only on a connection it may write to (a console or worker runtime with this connection writable does it on first use)`,
      );
    }
    return { from: version, to: version };
  }
  if (!present.rows[0].exists) {
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${DROVER_SCHEMA}`);
    await client.query(`CREATE TABLE IF NOT EXISTS ${DROVER_SCHEMA}.migration (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
  }
  const current = await versionNow();
  if (current > DROVER_SCHEMA_VERSION) {
    throw new UnavailableError(
      `${where}: Drover's schema "${DROVER_SCHEMA}" is at version ${current}, made by a newer Drover; this Drover knows versions up to ${DROVER_SCHEMA_VERSION}. Upgrade this Drover (a schema is never downgraded).`,
    );
  }
  for (const m of DROVER_MIGRATIONS) {
    if (m.version <= current) continue;
    await client.query('BEGIN');
    try {
      await client.query(m.sql);
      await client.query(`INSERT INTO ${DROVER_SCHEMA}.migration (version, name) VALUES ($1, $2)`, [m.version, m.name]);
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    }
  }
  return { from: current, to: DROVER_SCHEMA_VERSION };
}
