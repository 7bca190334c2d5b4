// A PostgreSQL connection when things go wrong: no BullMQ schema yet (and `migrate: true`), the server
// down and back (stale-while-down overview, recovery without a restart), a statement past the time
// limit, and a feature not yet on PostgreSQL — each a precise message, nothing changed.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  // Read when lib/store/postgres/pg-pool.ts loads: short, so the time-out test waits 300 ms, not 5 s.
  process.env.DROVER_PG_STATEMENT_TIMEOUT_MS = '300';
});

import { Queue, createPostgresBackend } from 'bullmq';
import { startTestPostgres, type TestPostgres } from '../helpers/postgres';
import { startTestRedis, type TestRedis } from '../helpers/redis';
import { configureConnections, ctxAs } from '../helpers/console-env';
import { closeAllConnections, getConnection } from '@/lib/redis/connections';
import { getOverview } from '@/lib/queues/get-overview';
import { discoverQueues } from '@/lib/queues/discover-queues';
import { listJobs } from '@/lib/jobs/list-jobs';
import { addJobInputSchema, listJobsQuerySchema } from '@/lib/jobs/schemas';
import { getDeadLetterSummary } from '@/lib/dlq/get-dead-letter-summary';
import { bulkJobs } from '@/lib/jobs/bulk-jobs';
import { addJob } from '@/lib/jobs/add-job';
import { setConnectionPaused } from '@/lib/queues/set-connection-paused';
import { PG_POOL_MAX } from '@/lib/store/postgres/pg-pool';
import { toDroverError } from '@/lib/errors';
import { checkHealth } from '@/lib/health/check-health';

let pg: TestPostgres;
let redis: TestRedis;
let queue: Queue;

beforeAll(async () => {
  [pg, redis] = await Promise.all([startTestPostgres(), startTestRedis()]);
  const admin = pg.pool();
  await admin.query('CREATE DATABASE empty');
  await admin.query('CREATE DATABASE migrated');
  queue = new Queue('orders', { connection: { connectionString: pg.url, migrate: true } }, createPostgresBackend) as unknown as Queue;
  queue.on('error', () => {});
  await queue.add('charge', { amount: 5 });
  await configureConnections([
    { name: 'console', url: redis.url },
    { name: 'main', url: pg.url },
    { name: 'bare', url: pg.url.replace(/\/drover$/, '/empty') },
    { name: 'auto', url: pg.url.replace(/\/drover$/, '/migrated'), migrate: true },
    { name: 'custom', url: pg.url, schema: 'jobs' },
  ]);
}, 60_000);

afterAll(async () => {
  await queue?.close().catch(() => {});
  await closeAllConnections();
  await pg?.stop();
  await redis?.stop();
});

describe('a connection to another schema than BullMQ\'s default', () => {
  it('reads and changes jobs there (BullMQ\'s own calls included)', async () => {
    const other = new Queue('invoices', { connection: { connectionString: pg.url, schema: 'jobs', migrate: true } }, createPostgresBackend) as unknown as Queue;
    other.on('error', () => {});
    try {
      await other.add('bill', { n: 1 });
      const page = await listJobs(getConnection('custom'), 'invoices', listJobsQuerySchema.parse({ state: 'waiting' }));
      expect(page.jobs.map((j) => j.name)).toEqual(['bill']);
      const added = await addJob(ctxAs('operator'), { conn: 'custom', queue: 'invoices' }, addJobInputSchema.parse({ name: 'refund', data: { n: 2 } }));
      expect(await other.getJobState(added.jobId!)).toBe('waiting');
      // The default schema's queue of the same name is another queue.
      expect((await discoverQueues(getConnection('main'), { refresh: true })).queues).not.toContain('invoices');
    } finally {
      await other.close();
    }
  });

  it('acting on many queues at once holds at most the pool\'s connections (one shared BullMQ connection)', async () => {
    const producer = new Queue('seed', { connection: { connectionString: pg.url, schema: 'jobs', migrate: true } }, createPostgresBackend) as unknown as Queue;
    producer.on('error', () => {});
    const made: Queue[] = [producer];
    try {
      for (let i = 0; i < 40; i++) {
        const q = new Queue(`many-${i}`, { connection: { connectionString: pg.url, schema: 'jobs' } }, createPostgresBackend) as unknown as Queue;
        q.on('error', () => {});
        made.push(q);
        await q.add('x', {});
      }
      await Promise.all(made.map((q) => q.close()));
      made.length = 0;
      await discoverQueues(getConnection('custom'), { refresh: true });
      let peak = 0;
      const sampler = setInterval(() => {
        void pg
          .pool()
          .query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'drover-console'`)
          .then(({ rows }) => (peak = Math.max(peak, rows[0].n)))
          .catch(() => {});
      }, 20);
      try {
        expect((await setConnectionPaused(ctxAs('operator'), 'custom', true)).queues).toBeGreaterThanOrEqual(40);
        await setConnectionPaused(ctxAs('operator'), 'custom', false);
      } finally {
        clearInterval(sampler);
      }
      const { rows } = await pg.pool().query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'drover-console'`);
      expect(Math.max(peak, rows[0].n)).toBeLessThanOrEqual(PG_POOL_MAX * 2);
    } finally {
      await Promise.all(made.map((q) => q.close()));
    }
  });
});

describe('PostgreSQL connection faults', () => {
  it('names a database without BullMQ\'s schema and how to create it; migrate: true creates it', async () => {
    const overview = await getOverview({ refresh: true });
    const bare = overview.connections.find((c) => c.name === 'bare')!;
    expect(bare.error).toMatch(/^PostgreSQL connection "bare" has no BullMQ schema yet .*"migrate": true/);
    expect(bare.endpoint).toMatch(/^127\.0\.0\.1:\d+\/empty$/);
    const auto = overview.connections.find((c) => c.name === 'auto')!;
    expect(auto.error).toBeNull();
    const { rows } = await pg.pool({ connectionString: pg.url.replace(/\/drover$/, '/migrated') }).query(`SELECT count(*)::int AS n FROM bullmq.migration`);
    expect(rows[0].n).toBeGreaterThan(0);
    // Nothing was created in the database that did not ask for it.
    const { rows: schemas } = await pg.pool({ connectionString: pg.url.replace(/\/drover$/, '/empty') }).query(`SELECT count(*)::int AS n FROM pg_namespace WHERE nspname = 'bullmq'`);
    expect(schemas[0].n).toBe(0);
  });

  it('serves the last reading marked stale while PostgreSQL is down, and recovers without a restart', async () => {
    const before = (await getOverview({ refresh: true })).connections.find((c) => c.name === 'main')!;
    expect(before.queues.find((q) => q.name === 'orders')?.counts.waiting).toBe(1);
    await pg.kill('SIGKILL');
    const down = (await getOverview({ refresh: true })).connections.find((c) => c.name === 'main')!;
    expect(down.error).toMatch(/^PostgreSQL connection "main" is unreachable/);
    expect(down.staleSince).not.toBeNull();
    expect(down.queues.find((q) => q.name === 'orders')?.counts.waiting).toBe(1);
    const health = await checkHealth();
    expect(health.ok).toBe(false);
    expect(health.connections.find((c) => c.name === 'main')).toMatchObject({ status: 'down', endpoint: expect.stringMatching(/^127\.0\.0\.1:\d+\/drover$/) });
    expect(health.connections.find((c) => c.name === 'console')?.status).toBe('up');
    await pg.restart();
    expect((await checkHealth()).connections.find((c) => c.name === 'main')?.status).toBe('up');
    const up = (await getOverview({ refresh: true })).connections.find((c) => c.name === 'main')!;
    expect(up.error).toBeNull();
    expect(up.staleSince).toBeNull();
    expect((await discoverQueues(getConnection('main'), { refresh: true })).queues).toContain('orders');
  }, 60_000);

  it('cancels a statement past the time limit with a 503 that says to try again', async () => {
    const blocker = await pg.pool().connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE bullmq.job IN ACCESS EXCLUSIVE MODE');
      const started = Date.now();
      const err = toDroverError(await listJobs(getConnection('main'), 'orders', listJobsQuerySchema.parse({ state: 'waiting' })).catch((e: unknown) => e), 'main');
      expect(err.status).toBe(503);
      expect(err.message).toMatch(/ran past Drover's time limit and was cancelled; nothing was changed/);
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      await blocker.query('ROLLBACK');
      blocker.release();
    }
    expect((await listJobs(getConnection('main'), 'orders', listJobsQuerySchema.parse({ state: 'waiting' }))).total).toBe(1);
  });

  it('answers 501 for what is not on PostgreSQL yet, naming the connection', async () => {
    const err = toDroverError(await getDeadLetterSummary(getConnection('main')).catch((e: unknown) => e), 'main');
    expect([err.status, err.message]).toEqual([501, 'This is not available on PostgreSQL connections yet (connection "main"): it needs a Redis connection in this version of Drover']);
    // The bulk send to the dead-letter queue: refused as a whole, nothing changed.
    const before = await queue.getJobCounts();
    await expect(bulkJobs(ctxAs('operator'), { conn: 'main', queue: 'orders' }, { action: 'dead-letter', state: 'failed' })).rejects.toMatchObject({
      status: 501,
      message: expect.stringContaining('not available on PostgreSQL connections yet (connection "main")'),
    });
    expect(await queue.getJobCounts()).toEqual(before);
  });
});

describe('health while the console\'s pool is busy', () => {
  it('answers from its own connection: up while every pooled connection waits on a lock', async () => {
    const { PG_POOL_MAX: max } = await import('@/lib/store/postgres/pg-pool');
    const blocker = await pg.pool().connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE bullmq.job IN ACCESS EXCLUSIVE MODE');
      // Every connection of the console's pool waits on the lock (and more requests queue behind them).
      let firstSettled = Infinity;
      const stuck = Array.from({ length: max + 5 }, () =>
        listJobs(getConnection('main'), 'orders', listJobsQuerySchema.parse({ state: 'waiting' }))
          .catch(() => null)
          .finally(() => (firstSettled = Math.min(firstSettled, Date.now()))),
      );
      await new Promise((r) => setImmediate(r));
      const health = await checkHealth();
      const answeredAt = Date.now();
      expect(health.connections.find((c) => c.name === 'main')?.status).toBe('up');
      // Answered while the pool's statements were all still waiting on the lock (they end at the time limit).
      expect(answeredAt).toBeLessThan(firstSettled);
      await blocker.query('ROLLBACK');
      await Promise.all(stuck);
    } finally {
      await blocker.query('ROLLBACK').catch(() => {});
      blocker.release();
    }
  });
});
