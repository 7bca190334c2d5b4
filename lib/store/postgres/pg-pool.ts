// The console's pool to one PostgreSQL connection: bounded, every statement under a time limit, the
// search_path pinned to BullMQ's schema so Drover's SQL stays unqualified like BullMQ's own.
import 'server-only';
import pg from 'pg';

const PgPool = pg.Pool;
import { PostgresConnection, PostgresQueueBackend, assertSchemaCompatibility, runMigrations, type BackendFactory, type PostgresConnectionOptions } from 'bullmq';
import type { ConnectionConfig } from '@/lib/config/schema';
import { holdClient } from './held-client';

/** Connections the console opens to one PostgreSQL server at most (DROVER_PG_POOL_MAX). */
export const PG_POOL_MAX = Math.max(1, Number(process.env.DROVER_PG_POOL_MAX) || 10);
/** No console statement runs longer (DROVER_PG_STATEMENT_TIMEOUT_MS); past it PostgreSQL cancels it → 503. */
export const PG_STATEMENT_TIMEOUT_MS = Math.max(100, Number(process.env.DROVER_PG_STATEMENT_TIMEOUT_MS) || 5000);
const CONNECT_TIMEOUT_MS = 5000;

/**
 * The console's one PostgreSQL connection per Drover connection: BullMQ's own PostgresConnection (so it
 * pins search_path to the connection's schema, whatever it is), whose pool serves Drover's SQL and every
 * Queue handle's BullMQ calls alike — however many queues the console acts on, it never holds more
 * than PG_POOL_MAX connections. Migrations are Drover's call (preparePgSchema), never BullMQ's here.
 */
export function createPgConnection(config: ConnectionConfig): PostgresConnection {
  const connection = new PostgresConnection({
    connectionString: config.url,
    schema: config.schema ?? 'bullmq',
    skipMigrations: true,
    max: PG_POOL_MAX,
    idleTimeoutMillis: 10_000,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    // A host that stops answering (no RST) must not hold a query for TCP's minutes: the client gives up
    // a little after the server-side statement_timeout would have.
    query_timeout: PG_STATEMENT_TIMEOUT_MS + 2000,
    keepAlive: true,
    application_name: 'drover-console',
    options: `-c statement_timeout=${PG_STATEMENT_TIMEOUT_MS}`,
  } as PostgresConnectionOptions);
  // An idle client that drops (server restarted) is replaced on the next query: never a crash.
  connection.on('error', () => {});
  return connection;
}

/** The health probe's own pool: one connection, short time-outs, nothing else queued on it. */
export function createHealthPool(config: ConnectionConfig): pg.Pool {
  const pool = new PgPool({
    connectionString: config.url,
    max: 1,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 1500,
    query_timeout: 1500,
    application_name: 'drover-health',
    options: '-c statement_timeout=1000',
  });
  pool.on('error', () => {});
  return pool;
}

/** BullMQ's backend factory for the console's Queue handles of one connection: all on its one shared connection. */
export function sharedPostgresBackend(connection: PostgresConnection): BackendFactory<PostgresQueueBackend, PostgresConnectionOptions> {
  return (name, opts) => new PostgresQueueBackend(connection, name, opts, false);
}

/**
 * BullMQ's schema checked before the first statement: missing → SchemaMigrationRequiredError, made by a
 * newer BullMQ → SchemaVersionMismatchError (lib/errors.ts words both). With `migrate: true` Drover runs
 * BullMQ's own migrations instead (under BullMQ's advisory lock, so replicas do not race).
 */
export async function preparePgSchema(pool: pg.Pool, config: ConnectionConfig): Promise<void> {
  const client = await pool.connect();
  // Held across awaits (migrations): a server gone meanwhile is caught (held-client.ts).
  const held = holdClient(client);
  try {
    if (config.migrate) {
      // A migration may take longer than a console statement may: not under the console's time limit.
      await client.query('SET statement_timeout = 0');
      try {
        await runMigrations(client, config.schema ?? 'bullmq');
      } finally {
        await client.query('RESET statement_timeout');
      }
    } else await assertSchemaCompatibility(client, config.schema ?? 'bullmq');
  } finally {
    held.done();
    client.release(held.error());
  }
}
