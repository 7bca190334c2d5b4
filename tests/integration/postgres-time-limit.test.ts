// The console's statement time limit on PostgreSQL: a statement past it is cancelled with a 503 that says
// to try again. The limit is short here (300 ms) so the test waits 300 ms, not 5 s; only tiny statements
// run in this file, so a loaded machine does not push them past it (the other fault tests, health while
// the pool waits on a lock among them, run under the default limit in postgres-faults.test.ts).
import { describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  // Read when lib/store/postgres/pg-pool.ts loads.
  process.env.DROVER_PG_STATEMENT_TIMEOUT_MS = '300';
});

import { postgresConsoleForThisFile } from '../helpers/postgres-console';
import { getConnection } from '@/lib/redis/connections';
import { listJobs } from '@/lib/jobs/list-jobs';
import { listJobsQuerySchema } from '@/lib/jobs/schemas';
import { toDroverError } from '@/lib/errors';
import { PG_STATEMENT_TIMEOUT_MS } from '@/lib/store/postgres/pg-pool';

const pg = postgresConsoleForThisFile({
  connections: ({ pg: url, redis }) => [
    { name: 'console', url: redis },
    { name: 'main', url },
  ],
});

it('runs under the short limit this file sets', () => {
  expect(PG_STATEMENT_TIMEOUT_MS).toBe(300);
});

describe('PostgreSQL statement time limit', () => {
  it('cancels a statement past the time limit with a 503 that says to try again', async () => {
    const blocker = await pg.pool().connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE bullmq.job IN ACCESS EXCLUSIVE MODE');
      const started = Date.now();
      const err = toDroverError(await listJobs(getConnection('main'), 'orders', listJobsQuerySchema.parse({ state: 'waiting' })).catch((e: unknown) => e), 'main');
      expect(err.status).toBe(503);
      expect(err.message).toMatch(/ran past Drover's time limit and was cancelled; that statement changed nothing \(batches a bulk action finished before it stay done/);
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      await blocker.query('ROLLBACK');
      blocker.release();
    }
    expect((await listJobs(getConnection('main'), 'orders', listJobsQuerySchema.parse({ state: 'waiting' }))).total).toBe(1);
  });
});
