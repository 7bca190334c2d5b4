// A PostgreSQL connection when things go wrong: no BullMQ schema yet (and `migrate: true`), the server
// down and back (stale-while-down overview, recovery without a restart), health while every pooled
// connection waits on a lock, and a feature not yet on PostgreSQL — each a precise message, nothing
// changed. These run under the default statement time limit (5 s): a statement past it is in
// postgres-time-limit.test.ts, whose short limit would cancel the bigger statements here on a loaded machine.
import { describe, expect, it, vi } from 'vitest';

import { Queue, createPostgresBackend } from 'bullmq';
import { postgresConsoleForThisFile } from '../helpers/postgres-console';
import { ctxAs } from '../helpers/console-env';
import { getConnection } from '@/lib/redis/connections';
import { getOverview } from '@/lib/queues/get-overview';
import { discoverQueues } from '@/lib/queues/discover-queues';
import { listJobs } from '@/lib/jobs/list-jobs';
import { addJobInputSchema, listJobsQuerySchema } from '@/lib/jobs/schemas';
import { getDeadLetterSummary } from '@/lib/dlq/get-dead-letter-summary';
import { DROVER_MIGRATIONS, DROVER_SCHEMA_VERSION, migrateDroverSchema } from '@/lib/store/postgres/drover-schema';
import { Pool } from 'pg';
import { addJob } from '@/lib/jobs/add-job';
import { setConnectionPaused } from '@/lib/queues/set-connection-paused';
import { PG_POOL_MAX } from '@/lib/store/postgres/pg-pool';
import { toDroverError } from '@/lib/errors';
import { checkHealth } from '@/lib/health/check-health';
import { waitFor } from '../helpers/wait';

const pg = postgresConsoleForThisFile({
  prepare: async (server) => {
    await server.pool().query('CREATE DATABASE empty');
    await server.pool().query('CREATE DATABASE migrated');
  },
  connections: ({ pg: url, redis }) => [
    { name: 'console', url: redis },
    { name: 'main', url },
    { name: 'bare', url: url.replace(/\/drover$/, '/empty') },
    { name: 'auto', url: url.replace(/\/drover$/, '/migrated'), migrate: true },
    { name: 'custom', url, schema: 'jobs' },
    { name: 'frozen', url, readOnly: true },
  ],
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
    expect(health.connections.find((c) => c.name === 'main')).toMatchObject({ status: 'down', store: 'postgres', endpoint: expect.stringMatching(/^127\.0\.0\.1:\d+\/drover$/) });
    expect(health.connections.find((c) => c.name === 'console')?.status).toBe('up');
    await pg.restart();
    expect((await checkHealth()).connections.find((c) => c.name === 'main')?.status).toBe('up');
    const up = (await getOverview({ refresh: true })).connections.find((c) => c.name === 'main')!;
    expect(up.error).toBeNull();
    expect(up.staleSince).toBeNull();
    expect((await discoverQueues(getConnection('main'), { refresh: true })).queues).toContain('orders');
  });

  it('viewers asking for the counts together share one counts statement', async () => {
    const conn = getConnection('main');
    await conn.store.queueSummaries(['orders'], Date.now());
    const query = vi.spyOn(conn.pg, 'query');
    try {
      const answers = await Promise.all(Array.from({ length: 20 }, () => conn.store.queueSummaries(['orders'], Date.now())));
      const counts = query.mock.calls.filter(([text]) => typeof text === 'string' && text.includes('oldest_waiting'));
      expect(counts.length).toBe(1);
      expect(answers.map((a) => a[0].counts.waiting)).toEqual(Array.from({ length: 20 }, () => 1));
      // Once answered, the next request asks again (shared while in flight only, never a stale cache).
      await conn.store.queueSummaries(['orders'], Date.now());
      expect(query.mock.calls.filter(([text]) => typeof text === 'string' && text.includes('oldest_waiting')).length).toBe(2);
    } finally {
      query.mockRestore();
    }
  });
});

describe("Drover's own schema beside BullMQ's", () => {
  it('is created once at first use, under the advisory lock, by concurrent first readers', async () => {
    const admin = pg.pool();
    // The "auto" database has no Drover schema yet; three first reads race to create it.
    const db = new URL(pg.url.replace(/\/drover$/, '/migrated'));
    const direct = new Pool({ connectionString: db.toString(), max: 1 });
    try {
      expect((await direct.query(`SELECT to_regnamespace('drover') AS s`)).rows[0].s).toBeNull();
      const answers = await Promise.all([getDeadLetterSummary(getConnection('auto')), getDeadLetterSummary(getConnection('auto')), getDeadLetterSummary(getConnection('auto'))]);
      expect(answers.map((a) => a.total)).toEqual([0, 0, 0]);
      expect((await direct.query('SELECT version, name FROM drover.migration ORDER BY version')).rows).toEqual(DROVER_MIGRATIONS.map((m) => ({ version: m.version, name: m.name })));
      // Again from another process's point of view: nothing to do, nothing applied twice.
      expect(await migrateDroverSchema(direct, 'test')).toEqual({ from: DROVER_SCHEMA_VERSION, to: DROVER_SCHEMA_VERSION });
    } finally {
      await direct.end();
    }
    expect((await admin.query(`SELECT to_regnamespace('drover') IS NOT NULL AS s`)).rows[0].s).toBe(false);
  });

  it('on a read-only connection creates nothing: the DLQ says why instead', async () => {
    const err = toDroverError(await getDeadLetterSummary(getConnection('frozen')).catch((e: unknown) => e), 'frozen');
    expect([err.status, err.message]).toEqual([
      503,
      `PostgreSQL connection "frozen" is read-only, and Drover's schema "drover" there is missing: Drover creates or upgrades it only on a connection it may write to (a console or worker runtime with this connection writable does it on first use)`,
    ]);
    expect((await pg.pool().query(`SELECT to_regnamespace('drover') IS NOT NULL AS s`)).rows[0].s).toBe(false);
  });

  it('refuses a schema made by a newer Drover, naming both versions, and changes nothing', async () => {
    await pg.pool().query('CREATE DATABASE newer');
    const direct = new Pool({ connectionString: pg.url.replace(/\/drover$/, '/newer'), max: 1 });
    try {
      await migrateDroverSchema(direct, 'test');
      await direct.query(`INSERT INTO drover.migration (version, name) VALUES (99, 'from the future')`);
      const err = await migrateDroverSchema(direct, 'PostgreSQL connection "x"').catch((e: unknown) => e);
      expect(toDroverError(err).status).toBe(503);
      expect((err as Error).message).toBe(
        `PostgreSQL connection "x": Drover's schema "drover" is at version 99, made by a newer Drover; this Drover knows versions up to ${DROVER_SCHEMA_VERSION}. Upgrade this Drover (a schema is never downgraded).`,
      );
      expect((await direct.query('SELECT count(*)::int AS n FROM drover.migration')).rows[0].n).toBe(DROVER_MIGRATIONS.length + 1);
    } finally {
      await direct.end();
    }
  });

  it('names the grant it needs when its role may not create the schema', async () => {
    const admin = pg.pool();
    await admin.query('CREATE ROLE limited LOGIN');
    await admin.query('CREATE DATABASE locked');
    const direct = new Pool({ connectionString: pg.url.replace(/^postgres:\/\/drover@/, 'postgres://limited@').replace(/\/drover$/, '/locked'), max: 1 });
    try {
      const err = await migrateDroverSchema(direct, 'PostgreSQL connection "locked"').catch((e: unknown) => e);
      expect(toDroverError(err).status).toBe(503);
      expect((err as Error).message).toMatch(/^PostgreSQL connection "locked": Drover could not create or upgrade its own schema "drover" \(permission denied for database locked\)\. Grant Drover's role CREATE on the database \(GRANT CREATE ON DATABASE <db> TO <role>\)/);
      // With the grant, the same call succeeds.
      await admin.query('GRANT CREATE ON DATABASE locked TO limited');
      expect(await migrateDroverSchema(direct, 'PostgreSQL connection "locked"')).toEqual({ from: 0, to: DROVER_SCHEMA_VERSION });
    } finally {
      await direct.end();
    }
  });
});

describe('health while the console\'s pool is busy', () => {
  it('answers from its own connection: up while every pooled connection waits on a lock', async () => {
    const blocker = await pg.pool().connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE bullmq.job IN ACCESS EXCLUSIVE MODE');
      // Every connection of the console's pool waits on the lock (and more requests queue behind them).
      let settled = 0;
      const stuck = Array.from({ length: PG_POOL_MAX + 5 }, () =>
        listJobs(getConnection('main'), 'orders', listJobsQuerySchema.parse({ state: 'waiting' }))
          .catch(() => null)
          .finally(() => settled++),
      );
      await waitFor(
        async () => {
          const { rows } = await pg
            .pool()
            .query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'drover-console' AND wait_event_type = 'Lock'`);
          return rows[0].n === PG_POOL_MAX;
        },
        { what: `all ${PG_POOL_MAX} pooled connections waiting on the lock` },
      );
      const health = await checkHealth();
      expect(health.connections.find((c) => c.name === 'main')?.status).toBe('up');
      // Answered while the pool's statements were all still waiting on the lock (they end at the time limit).
      expect(settled).toBe(0);
      await blocker.query('ROLLBACK');
      await Promise.all(stuck);
    } finally {
      await blocker.query('ROLLBACK').catch(() => {});
      blocker.release();
    }
  });
});
