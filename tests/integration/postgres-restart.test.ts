// PostgreSQL restarted while workers process 5,000 jobs (BullMQ workers on the PostgreSQL backend): every
// job ends completed or failed exactly once — none lost, none doubled — and the console, never
// restarted, reads the connection again once PostgreSQL is back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue, Worker, createPostgresBackend } from 'bullmq';
import { startTestPostgres, type TestPostgres } from '../helpers/postgres';
import { startTestRedis, type TestRedis } from '../helpers/redis';
import { configureConnections } from '../helpers/console-env';
import { waitFor } from '../helpers/wait';
import { closeAllConnections } from '@/lib/redis/connections';
import { getOverview } from '@/lib/queues/get-overview';

const JOBS = 5000;
let pg: TestPostgres;
let redis: TestRedis;
const closables: Array<{ close(): Promise<unknown> }> = [];

beforeAll(async () => {
  [pg, redis] = await Promise.all([startTestPostgres(), startTestRedis()]);
  await configureConnections([
    { name: 'console', url: redis.url },
    { name: 'main', url: pg.url },
  ]);
}, 60_000);

afterAll(async () => {
  await Promise.allSettled(closables.map((c) => c.close()));
  await closeAllConnections();
  await pg?.stop();
  await redis?.stop();
});

const mainOf = async () => (await getOverview({ refresh: true })).connections.find((c) => c.name === 'main')!;

describe('PostgreSQL restarted under load', () => {
  it('loses and doubles no job, and the console recovers by itself', async () => {
    const connection = { connectionString: pg.url, migrate: true };
    const queue = new Queue('orders', { connection }, createPostgresBackend) as unknown as Queue;
    queue.on('error', () => {});
    closables.push(queue);
    for (let i = 0; i < JOBS; i += 1000) {
      await queue.addBulk(Array.from({ length: 1000 }, (_, k) => ({ name: 'charge', data: { n: i + k }, opts: { jobId: `order-${i + k}`, attempts: 3, backoff: { type: 'fixed', delay: 200 } } })));
    }
    expect((await mainOf()).queues.find((q) => q.name === 'orders')?.counts.waiting).toBe(JOBS);

    let completedEvents = 0;
    for (let w = 0; w < 2; w++) {
      // A short stall check: jobs a dead connection left active go back to waiting within seconds.
      const worker = new Worker('orders', async () => 'ok', { connection, concurrency: 25, stalledInterval: 2000, lockDuration: 4000 }, createPostgresBackend) as unknown as Worker;
      worker.on('error', () => {});
      worker.on('completed', () => completedEvents++);
      closables.push(worker);
    }
    await waitFor(() => completedEvents >= 1000, { what: '1,000 jobs completed before the restart', timeout: 60_000 });

    await pg.restart({ signal: 'SIGKILL' });
    // The console, never restarted, answers again from PostgreSQL (the pool drops its dead clients).
    await waitFor(async () => (await mainOf()).error === null, { what: 'the console to read PostgreSQL again', timeout: 30_000 });

    const settled = await waitFor(
      async () => {
        const orders = (await mainOf()).queues.find((q) => q.name === 'orders');
        return orders && orders.counts.completed + orders.counts.failed === JOBS ? orders : null;
      },
      { what: `all ${JOBS} jobs to finish after the restart`, timeout: 120_000, interval: 500 },
    );
    expect(settled!.counts).toMatchObject({ waiting: 0, active: 0, delayed: 0 });
    // Every id once: the finished rows are exactly the 5,000 ids added.
    const { rows } = await pg.pool().query(`SELECT count(*)::int AS n, count(DISTINCT id)::int AS ids, min(id) AS lo FROM bullmq.job WHERE queue = 'orders' AND state IN ('completed', 'failed')`);
    expect(rows[0]).toMatchObject({ n: JOBS, ids: JOBS });
    const { rows: missing } = await pg.pool().query(`SELECT count(*)::int AS n FROM generate_series(0, ${JOBS - 1}) g WHERE NOT EXISTS (SELECT 1 FROM bullmq.job j WHERE j.queue = 'orders' AND j.id = 'order-' || g)`);
    expect(missing[0].n).toBe(0);
  }, 240_000);
});
