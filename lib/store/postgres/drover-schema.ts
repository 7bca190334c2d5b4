// Drover's own schema on a PostgreSQL connection ("drover"): the tables of what Drover keeps beside
// BullMQ's (the dead-letter queue first), created and upgraded by Drover itself with versioned
// migrations, run once per process before the first statement, under an advisory lock so replicas and
// worker processes starting together never race. BullMQ's schema is never touched here (lib/store/postgres/pg-pool.ts).
// Not server-only: the worker runtime migrates it too when it captures dead letters.
import type pg from 'pg';
import { UnavailableError } from '@/lib/errors';

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
CREATE INDEX dead_letter_grouping_idx ON drover.dead_letter (dlq, grouping_version);

-- An error group's normalized pattern and first raw reason (its members are the rows with its id).
CREATE TABLE drover.dead_letter_group (
  dlq      text NOT NULL,
  group_id text NOT NULL,
  pattern  text NOT NULL,
  sample   text NOT NULL,
  PRIMARY KEY (dlq, group_id)
);

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
];

export const DROVER_SCHEMA_VERSION = DROVER_MIGRATIONS[DROVER_MIGRATIONS.length - 1].version;

type Client = Pick<pg.PoolClient, 'query' | 'release'>;
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
export async function migrateDroverSchema(pool: Connectable, where: string): Promise<{ from: number; to: number }> {
  const client = await pool.connect();
  let locked = false;
  try {
    // A migration may take longer than a console statement may.
    await client.query('SET statement_timeout = 0');
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    locked = true;
    const present = await client.query<{ exists: boolean }>(`SELECT to_regclass('${DROVER_SCHEMA}.migration') IS NOT NULL AS exists`);
    if (!present.rows[0].exists) {
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${DROVER_SCHEMA}`);
      await client.query(`CREATE TABLE IF NOT EXISTS ${DROVER_SCHEMA}.migration (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    }
    const current = Number((await client.query<{ v: number | null }>(`SELECT max(version) AS v FROM ${DROVER_SCHEMA}.migration`)).rows[0].v ?? 0);
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
  } catch (err) {
    throw permissionHint(err, where);
  } finally {
    if (locked) await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await client.query('RESET statement_timeout').catch(() => undefined);
    client.release();
  }
}
