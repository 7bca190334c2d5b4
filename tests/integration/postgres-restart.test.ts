// PostgreSQL restarted while the bundled workers (Drover's runtime, webhook kind, to a local receiver)
// process 5,000 jobs: every job ends completed or failed exactly once — none lost, none doubled — and
// the console, never restarted, reads the connection again once PostgreSQL is back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue, createPostgresBackend } from 'bullmq';
import { startHttpPeer } from '../helpers/workers';
import { startRuntime, type Runtime } from '@/workers/runtime/start-runtime';
import { bundledProcessors, selectKinds } from '@/workers/runtime/bundled-processors';
import { createWorkerLogger } from '@/workers/runtime/logger';
import { startTestPostgres, type TestPostgres } from '../helpers/postgres';
import { startTestRedis, type TestRedis } from '../helpers/redis';
import { configureConnections } from '../helpers/console-env';
import { waitFor } from '../helpers/wait';
import { closeAllConnections, getConnection } from '@/lib/redis/connections';
import { getOverview } from '@/lib/queues/get-overview';

const JOBS = 5000;
let pg: TestPostgres;
let redis: TestRedis;
const closables: Array<{ close(): Promise<unknown> }> = [];
let runtime: Runtime | undefined;

beforeAll(async () => {
  [pg, redis] = await Promise.all([startTestPostgres(), startTestRedis()]);
  await configureConnections([
    { name: 'console', url: redis.url },
    { name: 'main', url: pg.url },
  ]);
});

afterAll(async () => {
  await runtime?.close();
  await Promise.allSettled(closables.map((c) => c.close()));
  await closeAllConnections();
  await pg?.stop();
  await redis?.stop();
});

const mainOf = async () => (await getOverview({ refresh: true })).connections.find((c) => c.name === 'main')!;

describe('PostgreSQL restarted under load', () => {
  it('loses and doubles no job, and the console recovers by itself', async () => {
    const connection = { connectionString: pg.url, migrate: true };
    // The receiver answers every delivery at once; the webhook kind's queue is "webhook".
    process.env.DROVER_EGRESS_ALLOW = '127.0.0.1';
    const peer = await startHttpPeer(() => ({ status: 200, body: 'ok' }));
    closables.push(peer);
    const queue = new Queue('webhook', { connection }, createPostgresBackend) as unknown as Queue;
    queue.on('error', () => {});
    closables.push(queue);
    for (let i = 0; i < JOBS; i += 1000) {
      await queue.addBulk(Array.from({ length: 1000 }, (_, k) => ({ name: 'deliver', data: { url: `${peer.url}/order-${i + k}`, payload: { n: i + k } }, opts: { jobId: `order-${i + k}`, attempts: 3, backoff: { type: 'fixed', delay: 200 } } })));
    }
    expect((await mainOf()).queues.find((q) => q.name === 'webhook')?.counts.waiting).toBe(JOBS);

    const { processors } = bundledProcessors({ webhookSecret: 's', mailFrom: 'drover@example.com' });
    runtime = await startRuntime({
      connection: getConnection('main').config,
      kinds: selectKinds(['webhook'], processors),
      // A short stall check: jobs a dead connection left active go back to waiting within seconds.
      settings: { lockDurationMs: 4000, stalledIntervalMs: 2000, maxStalledCount: 3, shutdownTimeoutMs: 5000, deadLetterSweepIntervalMs: 2000 },
      logger: createWorkerLogger({}, { write: () => {} }),
      workerName: 'drover@restart-test:1',
    });
    const finished = async () => {
      const { rows } = await pg.pool().query(`SELECT count(*)::int AS n FROM bullmq.job WHERE queue = 'webhook' AND state IN ('completed', 'failed')`);
      return rows[0].n as number;
    };
    await waitFor(async () => (await finished()) >= 1000, { what: '1,000 jobs finished before the restart', timeout: 180_000, interval: 100 });

    await pg.restart({ signal: 'SIGKILL' });
    // The console, never restarted, answers again from PostgreSQL (the pool drops its dead clients).
    await waitFor(async () => (await mainOf()).error === null, { what: 'the console to read PostgreSQL again', timeout: 30_000 });

    const settled = await waitFor(
      async () => {
        const orders = (await mainOf()).queues.find((q) => q.name === 'webhook');
        return orders && orders.counts.completed + orders.counts.failed === JOBS ? orders : null;
      },
      { what: `all ${JOBS} jobs to finish after the restart`, timeout: 360_000, interval: 500 },
    );
    expect(settled!.counts).toMatchObject({ waiting: 0, active: 0, delayed: 0 });
    // Every id once: the finished rows are exactly the 5,000 ids added.
    const { rows } = await pg.pool().query(`SELECT count(*)::int AS n, count(DISTINCT id)::int AS ids, min(id) AS lo FROM bullmq.job WHERE queue = 'webhook' AND state IN ('completed', 'failed')`);
    expect(rows[0]).toMatchObject({ n: JOBS, ids: JOBS });
    const { rows: missing } = await pg.pool().query(`SELECT count(*)::int AS n FROM generate_series(0, ${JOBS - 1}) g WHERE NOT EXISTS (SELECT 1 FROM bullmq.job j WHERE j.queue = 'webhook' AND j.id = 'order-' || g)`);
    expect(missing[0].n).toBe(0);
    // Every job that failed for good is in the dead-letter queue exactly once (the live capture, or the
    // runtime's sweep for a failure whose capture the outage interrupted).
    const failedIds = (await pg.pool().query<{ id: string }>(`SELECT id FROM bullmq.job WHERE queue = 'webhook' AND state = 'failed' ORDER BY id`)).rows.map((r) => r.id);
    const letters = await waitFor(
      async () => {
        const { rows: dl } = await pg.pool().query<{ job_id: string }>(`SELECT job_id FROM drover.dead_letter WHERE queue = 'webhook' ORDER BY job_id`);
        return dl.length >= failedIds.length ? dl.map((r) => r.job_id) : null;
      },
      { what: `${failedIds.length} dead letters`, timeout: 60_000, interval: 500 },
    );
    expect(letters).toEqual(failedIds);
  }, 600_000);
});
