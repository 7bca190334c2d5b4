// The console connection (Drover's own data: users, sessions, tokens, audit, alerts, samples, progress)
// on either store, for the suites parameterized over it: `describe.each(STORE_KINDS)` with
// `consoleForThisFile(kind)`. On PostgreSQL the console is the only connection — no Redis at all.
import { afterAll, beforeAll } from 'vitest';
import { Queue, createPostgresBackend } from 'bullmq';
import type pg from 'pg';
import type { Redis } from 'ioredis';
import { closeAllConnections } from '@/lib/redis/connections';
import { configureConnections } from './console-env';
import { startTestRedis, type TestRedis } from './redis';
import { startTestPostgres, type TestPostgres } from './postgres';
import type { StoreKind } from './stores';

export type TestConsole = {
  kind: StoreKind;
  /** The console connection's URL (named "console" in the config). */
  readonly url: string;
  /** Empties Drover's own data (FLUSHALL on Redis; every table of schema "drover" on PostgreSQL). */
  reset(): Promise<void>;
  /** Redis only: a client to the console's Redis (for tests that look at keys). */
  redis(): Redis;
  /** PostgreSQL only: a pool to the console's database (for tests that look at rows). */
  pool(): pg.Pool;
  /** The server itself (fault tests stop and restart it). */
  readonly server: TestRedis | TestPostgres;
  track<T extends { close: () => Promise<unknown> }>(closable: T): T;
};

/**
 * A private server of this kind started before the file's tests, lib/ configured with it as the
 * connection "console" (plus `extra` connections), stopped after them.
 */
export function consoleForThisFile(
  kind: StoreKind,
  extra: (console: { url: string }) => Array<Record<string, unknown>> = () => [],
  opts: { postgresArgs?: string[] } = {},
): TestConsole {
  let redis: TestRedis | undefined;
  let postgres: TestPostgres | undefined;
  let pool: pg.Pool | undefined;
  const closables: Array<{ close: () => Promise<unknown> }> = [];
  beforeAll(async () => {
    if (kind === 'redis') redis = await startTestRedis();
    else postgres = await startTestPostgres({ extraArgs: opts.postgresArgs });
    const url = (redis ?? postgres)!.url;
    await configureConnections([{ name: 'console', url }, ...extra({ url })]);
  });
  afterAll(async () => {
    await Promise.all(closables.map((c) => c.close().catch(() => {})));
    await closeAllConnections();
    await redis?.stop();
    await postgres?.stop();
  });
  const server = () => {
    const s = redis ?? postgres;
    if (!s) throw new Error('consoleForThisFile: the server starts in beforeAll');
    return s;
  };
  return {
    kind,
    get url() {
      return server().url;
    },
    get server() {
      return server();
    },
    redis: () => {
      if (!redis) throw new Error(`consoleForThisFile(${kind}): no Redis here`);
      return redis.client();
    },
    pool: () => {
      if (!postgres) throw new Error(`consoleForThisFile(${kind}): no PostgreSQL here`);
      pool ??= postgres.pool({ max: 2 });
      return pool;
    },
    reset: async () => {
      if (redis) {
        await redis.client().flushall();
        return;
      }
      const p = (pool ??= postgres!.pool({ max: 2 }));
      const tables = await p.query<{ name: string }>(
        `SELECT quote_ident(tablename) AS name FROM pg_tables WHERE schemaname = 'drover' AND tablename <> 'migration'`,
      );
      if (tables.rows.length) await p.query(`TRUNCATE ${tables.rows.map((t) => `drover.${t.name}`).join(', ')} RESTART IDENTITY`);
    },
    track: (closable) => {
      closables.push(closable);
      return closable;
    },
  };
}

/**
 * A producer Queue on a test console's store, its errors swallowed (a test that stops the store sees them
 * as failed calls, not as unhandled events). On PostgreSQL it creates BullMQ's schema, as producers do.
 * The caller closes it.
 */
export function producerQueue(server: Pick<TestConsole, 'kind' | 'url'>, name: string): Queue {
  const q =
    server.kind === 'redis'
      ? new Queue(name, { connection: { url: server.url } })
      : (new Queue(name, { connection: { connectionString: server.url, migrate: true } }, createPostgresBackend) as unknown as Queue);
  q.on('error', () => {});
  return q;
}
