// The frame of a PostgreSQL console test file: a private PostgreSQL and a private redis-server started
// before the file's tests, a queue "orders" with one waiting job on BullMQ's default schema (migrated),
// lib/ pointed at the connections the file names; all of it stopped after the file's tests. Returns the
// PostgreSQL server, usable once beforeAll ran.
import { afterAll, beforeAll } from 'vitest';
import { Queue, createPostgresBackend } from 'bullmq';
import { closeAllConnections } from '@/lib/redis/connections';
import { configureConnections } from './console-env';
import { startTestPostgres, type TestPostgres } from './postgres';
import { startTestRedis, type TestRedis } from './redis';

export function postgresConsoleForThisFile(options: {
  /** Runs once the servers are up, before the "orders" queue is made (databases, roles). */
  prepare?: (pg: TestPostgres) => Promise<void>;
  connections: (urls: { pg: string; redis: string }) => Array<Record<string, unknown>>;
}): TestPostgres {
  let pg: TestPostgres | undefined;
  let redis: TestRedis | undefined;
  let orders: Queue | undefined;
  beforeAll(async () => {
    [pg, redis] = await Promise.all([startTestPostgres(), startTestRedis()]);
    await options.prepare?.(pg);
    orders = new Queue('orders', { connection: { connectionString: pg.url, migrate: true } }, createPostgresBackend) as unknown as Queue;
    orders.on('error', () => {});
    await orders.add('charge', { amount: 5 });
    await configureConnections(options.connections({ pg: pg.url, redis: redis.url }));
  });
  afterAll(async () => {
    await orders?.close().catch(() => {});
    await closeAllConnections();
    await pg?.stop();
    await redis?.stop();
  });
  const started = () => {
    if (!pg) throw new Error('postgresConsoleForThisFile: the server starts in beforeAll');
    return pg;
  };
  return {
    get url() { return started().url; },
    get port() { return started().port; },
    get dir() { return started().dir; },
    get pid() { return started().pid; },
    stop: (signal) => started().stop(signal),
    restart: (opts) => started().restart(opts),
    kill: (signal) => started().kill(signal),
    pool: (config) => started().pool(config),
  };
}
