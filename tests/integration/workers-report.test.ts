// The report processor walks a queue's completed set by score: BullMQ trimming the oldest jobs while a
// report reads (removeOnComplete) does not make it skip later ones, and jobs sharing a finish time are
// each read once. The same on PostgreSQL, where it walks BullMQ's job table by keyset.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Queue, Worker, createPostgresBackend, type Job } from 'bullmq';
import type pg from 'pg';
import { startTestPostgres, type TestPostgres } from '../helpers/postgres';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRedis, type TestRedis } from '../helpers/redis';
import { RedisConnectionRecords } from '@/lib/store/redis/connection-records';
import { waitFor } from '../helpers/workers';
import { createReportProcessor } from '@/workers/processors/report';
import { reportDataSchema } from '@/lib/job-kinds/report';
import { createWorkerLogger } from '@/workers/runtime/logger';

let redis: TestRedis;
let client: Redis;
let reportsDir: string;
const queues: Queue[] = [];

function q(name: string) {
  const queue = new Queue(name, { connection: client });
  queues.push(queue);
  return queue;
}

/** `count` jobs of `name` completed by a real worker; their ids oldest first (by finish time). */
async function completedJobs(name: string, count: number, concurrency: number): Promise<string[]> {
  const queue = q(name);
  await queue.addBulk(Array.from({ length: count }, (_, i) => ({ name: 'work', data: { i } })));
  const worker = new Worker(name, async () => 'ok', { connection: client, concurrency });
  await waitFor(async () => (await queue.getCompletedCount()) === count, `${count} completed jobs`);
  await worker.close();
  return client.zrange(`bull:${name}:completed`, '0', '-1');
}

/** Runs the processor on `job` with this connection context; the CSV's lines (no header) and ids. */
async function runProcessor(job: Job, data: unknown, pageSize: number, connection: Parameters<ReturnType<typeof createReportProcessor>>[0]['connection']) {
  const result = await createReportProcessor({ reportsDir, pageSize })({
    job,
    data: reportDataSchema.parse(data),
    signal: new AbortController().signal,
    logger: createWorkerLogger({ worker: 'test' }, { write: () => {} }, 'silent'),
    connection,
    worker: 'test',
  });
  const lines = fs.readFileSync(result.file, 'utf8').trim().split('\n').slice(1);
  return { result, lines, ids: lines.map((line) => line.split(',')[0]) };
}

/** Runs the processor on a real report job, reading through `redis`. */
async function runReport(redis: Redis, data: unknown, pageSize: number) {
  const job = (await q('report').add('queue-report', data)) as Job;
  return runProcessor(job, data, pageSize, { redis, prefix: 'bull', store: 'redis', records: new RedisConnectionRecords(redis, 'bull') });
}

const lastHour = () => ({ from: new Date(Date.now() - 3_600_000).toISOString(), to: new Date(Date.now() + 1_000).toISOString() });

beforeAll(async () => {
  redis = await startTestRedis();
  client = redis.client();
  reportsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-reports-'));
});

afterAll(async () => {
  await Promise.allSettled(queues.map((x) => x.close()));
  await redis?.stop();
  fs.rmSync(reportsDir, { recursive: true, force: true });
});

describe('report over a queue BullMQ trims while it reads', () => {
  it('still includes every remaining job when the oldest are removed between pages', async () => {
    const ids = await completedJobs('trimmed', 12, 1);
    const trimmed = q('trimmed');
    let pages = 0;
    // The client the processor reads through: before its second page, the two oldest jobs go, as
    // removeOnComplete would remove them when newer jobs complete.
    const trimming = new Proxy(client, {
      get(target, prop, receiver) {
        if (prop !== 'zrangebyscore') return Reflect.get(target, prop, receiver);
        return async (...args: unknown[]) => {
          if (++pages === 2) await Promise.all(ids.slice(0, 2).map((id) => trimmed.remove(id)));
          return (target.zrangebyscore as (...a: unknown[]) => Promise<string[]>)(...args);
        };
      },
    });
    const { result, ids: reported } = await runReport(trimming, { queue: 'trimmed', states: ['completed'], ...lastHour() }, 3);
    expect(pages).toBeGreaterThan(2);
    // Every job still there is in the report; the two removed ones were read on the first page.
    expect(reported).toEqual(expect.arrayContaining(ids.slice(2)));
    expect(result).toMatchObject({ rows: 12, truncated: false });
    expect([...reported].sort()).toEqual([...ids].sort());
  });

  it('reads each job once when many share a finish time across pages', async () => {
    const ids = await completedJobs('burst', 40, 40);
    const { result, ids: reported } = await runReport(client, { queue: 'burst', states: ['completed'], ...lastHour() }, 2);
    expect(result.rows).toBe(40);
    expect(new Set(reported).size).toBe(40);
    expect([...reported].sort()).toEqual([...ids].sort());
  });
});

describe('report over a queue kept in PostgreSQL', () => {
  let postgres: TestPostgres;
  let pool: pg.Pool;
  const pgQueues: Array<{ close: () => Promise<unknown> }> = [];
  const connection = () => ({ connectionString: postgres.url, migrate: true });

  beforeAll(async () => {
    postgres = await startTestPostgres();
    // The runtime's reader: its own small pool to the queues' database (start-runtime.ts).
    pool = postgres.pool({ max: 2 });
  });
  afterAll(async () => {
    await Promise.allSettled(pgQueues.map((x) => x.close()));
    await postgres?.stop();
  });

  function pgQueue(name: string): Queue {
    const queue = new Queue(name, { connection: connection() }, createPostgresBackend) as unknown as Queue;
    queue.on('error', () => {});
    pgQueues.push(queue);
    return queue;
  }

  async function finishedOnPostgres(name: string, count: number, concurrency: number, fail = (i: number) => i < 0): Promise<Job[]> {
    const queue = pgQueue(name);
    const jobs = await queue.addBulk(Array.from({ length: count }, (_, i) => ({ name: 'work', data: { i } })));
    const worker = new Worker(
      name,
      async (job) => {
        if (fail(job.data.i)) throw new Error(`refused ${job.data.i}`);
        return 'ok';
      },
      { connection: connection(), concurrency },
      createPostgresBackend,
    );
    worker.on('error', () => {});
    await waitFor(async () => (await queue.getCompletedCount()) + (await queue.getFailedCount()) === count, `${count} finished jobs`);
    await worker.close();
    return jobs as Job[];
  }

  async function runPgReport(data: unknown, pageSize: number, query = (text: string, values: unknown[]) => pool.query(text, values).then((r) => r.rows)) {
    const job = (await pgQueue('report').add('queue-report', data)) as Job;
    // The runtime's reader (start-runtime.ts); the report uses no records.
    return runProcessor(job, data, pageSize, { prefix: 'bull', store: 'postgres', records: undefined as never, sql: { query: query as never, schema: 'bullmq' } });
  }


  it('reads each job once when many share a finish time across pages, with its state, attempts and failure', async () => {
    const jobs = await finishedOnPostgres('pg-burst', 40, 40, (i) => i % 5 === 0);
    const { result, lines, ids } = await runPgReport({ queue: 'pg-burst', states: ['completed', 'failed'], ...lastHour() }, 3);
    expect(result).toMatchObject({ rows: 40, truncated: false, states: ['completed', 'failed'] });
    expect([...ids].sort()).toEqual(jobs.map((j) => String(j.id)).sort());
    const failed = lines.filter((l) => l.split(',')[2] === 'failed');
    expect(failed).toHaveLength(8);
    for (const line of failed) expect(line).toMatch(/,1,.*,refused \d+$/);
  });

  it('still includes every remaining job when some are removed between pages', async () => {
    const jobs = await finishedOnPostgres('pg-trimmed', 12, 1);
    let pages = 0;
    const trimmed = pgQueue('pg-trimmed');
    const { result, ids } = await runPgReport({ queue: 'pg-trimmed', states: ['completed'], ...lastHour() }, 3, async (text, values) => {
      if (text.includes('finished_at_ms') && ++pages === 2) await Promise.all(jobs.slice(0, 2).map((j) => trimmed.remove(String(j.id))));
      return (await pool.query(text, values)).rows;
    });
    expect(pages).toBeGreaterThan(2);
    expect(result).toMatchObject({ rows: 12, truncated: false });
    expect([...ids].sort()).toEqual(jobs.map((j) => String(j.id)).sort());
  });

  it('stops at maxRows and says so', async () => {
    await finishedOnPostgres('pg-many', 30, 10);
    const { result, ids } = await runPgReport({ queue: 'pg-many', states: ['completed'], maxRows: 10, ...lastHour() }, 4);
    expect(result).toMatchObject({ rows: 10, truncated: true });
    expect(new Set(ids).size).toBe(10);
  });
});
