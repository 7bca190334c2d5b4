// The console's pool to one PostgreSQL connection: bounded, every statement under a time limit, the
// search_path pinned to BullMQ's schema so Drover's SQL stays unqualified like BullMQ's own.
import 'server-only';
import pg from 'pg';
import { assertSchemaCompatibility, quoteSchemaName, runMigrations } from 'bullmq';
import type { ConnectionConfig } from '@/lib/config/schema';

/** Connections the console opens to one PostgreSQL server at most (DROVER_PG_POOL_MAX). */
export const PG_POOL_MAX = Math.max(1, Number(process.env.DROVER_PG_POOL_MAX) || 10);
/** No console statement runs longer (DROVER_PG_STATEMENT_TIMEOUT_MS); past it PostgreSQL cancels it → 503. */
export const PG_STATEMENT_TIMEOUT_MS = Math.max(100, Number(process.env.DROVER_PG_STATEMENT_TIMEOUT_MS) || 5000);
const CONNECT_TIMEOUT_MS = 5000;

export function createPgPool(config: ConnectionConfig): pg.Pool {
  const schema = quoteSchemaName(config.schema ?? 'bullmq');
  const pool = new pg.Pool({
    connectionString: config.url,
    max: PG_POOL_MAX,
    idleTimeoutMillis: 10_000,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    application_name: 'drover-console',
    options: `-c search_path=${schema} -c statement_timeout=${PG_STATEMENT_TIMEOUT_MS}`,
  });
  // An idle client that drops (server restarted) is replaced on the next query: never a crash.
  pool.on('error', () => {});
  // BullMQ's PostgreSQL backend adds an 'error' listener to a shared pool for each Queue built on it and
  // never removes it (bullmq/postgres/postgres-connection): one per queue the console opens, not a leak.
  pool.setMaxListeners(0);
  return pool;
}

/**
 * BullMQ's schema checked before the first statement: missing → SchemaMigrationRequiredError, made by a
 * newer BullMQ → SchemaVersionMismatchError (lib/errors.ts words both). With `migrate: true` Drover runs
 * BullMQ's own migrations instead (under BullMQ's advisory lock, so replicas do not race).
 */
export async function preparePgSchema(pool: pg.Pool, config: ConnectionConfig): Promise<void> {
  const client = await pool.connect();
  try {
    if (config.migrate) await runMigrations(client, config.schema ?? 'bullmq');
    else await assertSchemaCompatibility(client, config.schema ?? 'bullmq');
  } finally {
    client.release();
  }
}
